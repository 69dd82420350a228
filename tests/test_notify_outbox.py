"""The outbox: every committed change has its notification event, a refused one has none."""

from __future__ import annotations

from typing import Any

from helpers import DATASET, Api
from sqlalchemy import select

from incident_graph.store.tables import NotificationEvent

UPDATE = "mutation($u: String!, $i: UpdateIncidentInput!) { updateIncident(urn: $u, input: $i) }"
STATUS = (
    "mutation($u: String!, $i: IncidentStatusInput!) { updateIncidentStatus(urn: $u, input: $i) }"
)
COMMENT = "mutation($u: String!, $t: String!) { addIncidentComment(urn: $u, text: $t) }"


async def outbox(api: Api) -> list[tuple[str, dict[str, Any]]]:
    assert api.app is not None
    async with api.app.state.db.reading() as session:
        rows = await session.scalars(select(NotificationEvent).order_by(NotificationEvent.id))
        return [(r.kind, r.payload) for r in rows]


async def test_raise_writes_new_incident_event_with_snapshot(api: Api) -> None:
    urn = await api.raise_incident(title="Late data", priority="HIGH", description="d")
    [(kind, payload)] = await outbox(api)
    assert kind == "NEW_INCIDENT"
    assert payload["event"] == "NEW_INCIDENT"
    assert payload["actor"] == "urn:li:corpuser:editor-user"
    incident = payload["incident"]
    assert incident["urn"] == urn
    assert (incident["title"], incident["priority"], incident["state"]) == (
        "Late data",
        "HIGH",
        "ACTIVE",
    )
    assert incident["type"] == "OPERATIONAL"
    assert payload["assets"] == [
        {
            "urn": DATASET,
            "name": "SampleKafkaDataset",
            "platform": "kafka",
            "type": "DATASET",
        }
    ]


async def test_each_change_kind_has_its_event(api: Api) -> None:
    urn = await api.raise_incident(priority="LOW")
    await api.gql(STATUS, {"u": urn, "i": {"state": "ACTIVE", "stage": "INVESTIGATION"}})
    await api.gql(UPDATE, {"u": urn, "i": {"priority": "CRITICAL"}})
    await api.gql(UPDATE, {"u": urn, "i": {"assigneeUrns": ["urn:li:corpuser:ann"]}})
    await api.gql(UPDATE, {"u": urn, "i": {"title": "only the title"}})
    await api.gql(COMMENT, {"u": urn, "t": "looking, @urn:li:corpuser:bob"})
    events = await outbox(api)
    assert [k for k, _ in events] == [
        "NEW_INCIDENT",
        "INCIDENT_STATUS_CHANGE",
        "INCIDENT_PRIORITY_CHANGE",
        "INCIDENT_ASSIGNED",
        "INCIDENT_COMMENT",
    ]
    assert events[1][1]["incident"]["stage"] == "INVESTIGATION"
    # Starting the work made the actor the lead: part of the status change, not a new event.
    assert events[1][1]["incident"]["lead"] == "urn:li:corpuser:editor-user"
    assert events[2][1]["incident"]["priority"] == "CRITICAL"
    assert events[3][1]["incident"]["assignees"] == ["urn:li:corpuser:ann"]
    assert events[4][1]["extra"]["mentions"] == ["urn:li:corpuser:bob"]
    assert events[4][1]["incident"]["title"] == "only the title"


async def test_unchanged_values_notify_nobody(api: Api) -> None:
    urn = await api.raise_incident(priority="LOW", assigneeUrns=["urn:li:corpuser:ann"])
    await api.gql(
        UPDATE, {"u": urn, "i": {"priority": "LOW", "assigneeUrns": ["urn:li:corpuser:ann"]}}
    )
    assert [k for k, _ in await outbox(api)] == ["NEW_INCIDENT"]


async def test_refused_changes_leave_no_event(api: Api) -> None:
    urn = await api.raise_incident()
    # Resolving needs a note: refused, so nothing may reach the outbox.
    error = await api.error(STATUS, {"u": urn, "i": {"state": "RESOLVED"}})
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    error = await api.error(UPDATE, {"u": urn, "i": {"priority": "HIGH"}}, role=None)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert [k for k, _ in await outbox(api)] == ["NEW_INCIDENT"]


async def test_retried_raise_with_same_id_writes_one_event(api: Api) -> None:
    await api.raise_incident(id="retry-me", title="t")
    await api.raise_incident(id="retry-me", title="t")
    assert [k for k, _ in await outbox(api)] == ["NEW_INCIDENT"]


async def test_naming_a_lead_is_an_assignment(api: Api) -> None:
    urn = await api.raise_incident()
    await api.gql(UPDATE, {"u": urn, "i": {"leadUrn": "urn:li:corpuser:lea"}})
    await api.gql(UPDATE, {"u": urn, "i": {"leadUrn": "urn:li:corpuser:lea"}})
    events = await outbox(api)
    assert [k for k, _ in events] == ["NEW_INCIDENT", "INCIDENT_ASSIGNED"]
    assert events[1][1]["incident"]["lead"] == "urn:li:corpuser:lea"
