"""The incident lifecycle over HTTP on both databases: every rule and every refusal."""

from __future__ import annotations

import json
from typing import Any

from helpers import Api

from incident_graph.domain.enums import Role

EDITOR = "urn:li:corpuser:editor-user"
ADMIN = "urn:li:corpuser:admin-user"

STATUS = (
    "mutation($u: String!, $i: IncidentStatusInput!, $v: Int) "
    "{ updateIncidentStatus(urn: $u, input: $i, expectedVersion: $v) }"
)
UPDATE = (
    "mutation($u: String!, $i: UpdateIncidentInput!, $v: Int) "
    "{ updateIncident(urn: $u, input: $i, expectedVersion: $v) }"
)
ACK = "mutation($u: String!, $v: Int) { acknowledgeIncident(urn: $u, expectedVersion: $v) }"
COMMENT = (
    "mutation($u: String!, $t: String!, $v: Int) "
    "{ addIncidentComment(urn: $u, text: $t, expectedVersion: $v) }"
)
EDIT = (
    "mutation($u: String!, $c: String!, $t: String!) "
    "{ editIncidentComment(urn: $u, commentId: $c, text: $t) }"
)
ROOT_CAUSE = (
    "mutation($u: String!, $r: IncidentRootCauseInput!) "
    "{ setIncidentRootCause(urn: $u, rootCause: $r) }"
)
LIFECYCLE = """query($u: String!) { incident(urn: $u) {
    version title description priority
    incidentStatus { state stage message }
    assignees { ... on CorpUser { urn } ... on CorpGroup { urn } }
    lead { urn username }
    acknowledged { time actor }
    resolved { time actor }
    resolutionNote
    rootCause { category detail }
    timeToAcknowledgeMs timeToResolveMs
    created { time }
    subscribers { subscriber { ... on CorpUser { urn } ... on CorpGroup { urn } } reason }
    comments { total comments { id text mentions created { actor } edited { time } } }
    timeline(count: 1000) {
        total events { kind actor time commentId changes { field oldValue newValue } }
    }
} }"""


async def state(api: Api, urn: str) -> dict[str, Any]:
    data = await api.gql(LIFECYCLE, {"u": urn})
    return data["incident"]  # type: ignore[no-any-return]


async def status(api: Api, urn: str, role: Role = Role.EDITOR, **fields: Any) -> None:
    await api.gql(STATUS, {"u": urn, "i": fields}, role=role)


async def status_error(api: Api, urn: str, **fields: Any) -> dict[str, Any]:
    return await api.error(STATUS, {"u": urn, "i": fields})


async def test_resolving_needs_a_note_and_a_refusal_changes_nothing(api: Api) -> None:
    urn = await api.raise_incident()
    before = await state(api, urn)
    for message in (None, "", "   "):
        fields: dict[str, Any] = {"state": "RESOLVED"}
        if message is not None:
            fields["message"] = message
        error = await status_error(api, urn, **fields)
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "resolution note" in error["message"]
    via_update = await api.error(UPDATE, {"u": urn, "i": {"status": {"state": "RESOLVED"}}})
    assert via_update["extensions"]["code"] == "BAD_USER_INPUT"
    raised_resolved = await api.error(
        "mutation($i: RaiseIncidentInput!) { raiseIncident(input: $i) }",
        {
            "i": {
                "type": "OPERATIONAL",
                "resourceUrn": "urn:li:dataset:(x)",
                "status": {"state": "RESOLVED"},
            }
        },
    )
    assert raised_resolved["extensions"]["code"] == "BAD_USER_INPUT"
    assert await state(api, urn) == before
    # The refused raise registered nothing, not even its asset.
    assert (await api.gql('{ dataset(urn: "urn:li:dataset:(x)") { urn } }'))["dataset"] is None


async def test_resolve_with_note_and_root_cause_then_reopen_and_resolve_again(api: Api) -> None:
    urn = await api.raise_incident()
    await status(
        api,
        urn,
        state="RESOLVED",
        stage="FIXED",
        message="re-ran the load",
        rootCause={"category": "UPSTREAM_FAILURE", "detail": "partner file late"},
    )
    first = await state(api, urn)
    assert first["resolutionNote"] == "re-ran the load"
    assert first["rootCause"] == {"category": "UPSTREAM_FAILURE", "detail": "partner file late"}
    assert first["resolved"]["actor"] == EDITOR
    assert first["timeToResolveMs"] == first["resolved"]["time"] - first["created"]["time"]
    assert first["lead"] == {"urn": EDITOR, "username": "editor-user"}  # moved past TRIAGE
    # Reopen: recorded, and the resolution no longer holds.
    await status(api, urn, state="ACTIVE", stage="INVESTIGATION", message="back again")
    reopened = await state(api, urn)
    assert (reopened["resolved"], reopened["resolutionNote"], reopened["timeToResolveMs"]) == (
        None,
        None,
        None,
    )
    assert reopened["rootCause"] == first["rootCause"]
    kinds = [e["kind"] for e in reopened["timeline"]["events"]]
    assert kinds == ["RAISED", "STATUS_CHANGED", "STATUS_CHANGED"]
    reopen_changes = {c["field"]: c for c in reopened["timeline"]["events"][2]["changes"]}
    assert (reopen_changes["state"]["oldValue"], reopen_changes["state"]["newValue"]) == (
        "RESOLVED",
        "ACTIVE",
    )
    # The final resolution is the one time to resolve counts.
    await status(api, urn, role=Role.ADMIN, state="RESOLVED", message="fixed for good")
    final = await state(api, urn)
    assert final["resolved"]["actor"] == ADMIN
    assert final["resolved"]["time"] >= first["resolved"]["time"]
    assert final["timeToResolveMs"] == final["resolved"]["time"] - final["created"]["time"]
    assert final["resolutionNote"] == "fixed for good"
    # Root cause is editable after resolution, and the change is on the timeline.
    await api.gql(ROOT_CAUSE, {"u": urn, "r": {"category": "CODE_CHANGE"}})
    edited = await state(api, urn)
    assert edited["rootCause"] == {"category": "CODE_CHANGE", "detail": None}
    last = edited["timeline"]["events"][-1]
    assert last["kind"] == "ROOT_CAUSE_SET"
    assert {c["field"]: (c["oldValue"], c["newValue"]) for c in last["changes"]} == {
        "rootCauseCategory": ("UPSTREAM_FAILURE", "CODE_CHANGE"),
        "rootCauseDetail": ("partner file late", None),
    }


async def test_root_cause_refusals_change_nothing(api: Api) -> None:
    urn = await api.raise_incident()
    before = await state(api, urn)
    bad_category = await api.error(ROOT_CAUSE, {"u": urn, "r": {"category": "GREMLINS"}})
    assert bad_category["extensions"]["code"] == "BAD_USER_INPUT"
    too_long = await api.error(
        ROOT_CAUSE, {"u": urn, "r": {"category": "OTHER", "detail": "x" * 50_001}}
    )
    assert too_long["extensions"]["code"] == "BAD_USER_INPUT"
    viewer = await api.error(ROOT_CAUSE, {"u": urn, "r": {"category": "OTHER"}}, role=Role.VIEWER)
    assert viewer["extensions"]["code"] == "FORBIDDEN"
    missing = await api.error(ROOT_CAUSE, {"u": "urn:li:incident:nope", "r": {"category": "OTHER"}})
    assert missing["extensions"]["code"] == "NOT_FOUND"
    assert await state(api, urn) == before


async def test_soda_and_openmetadata_stage_names(api: Api) -> None:
    expected = {
        "Reported": ("ACTIVE", "TRIAGE"),
        "investigating": ("ACTIVE", "INVESTIGATION"),
        "Fixing": ("ACTIVE", "WORK_IN_PROGRESS"),
        "New": ("ACTIVE", "TRIAGE"),
        "Assigned": ("ACTIVE", "INVESTIGATION"),
        "Resolved": ("RESOLVED", "FIXED"),
    }
    urn = await api.raise_incident()
    for alias, (state_, stage) in expected.items():
        await status(api, urn, state=state_, stageAlias=alias, message="note")
        current = (await state(api, urn))["incidentStatus"]
        assert (current["state"], current["stage"]) == (state_, stage), alias
    # OpenMetadata's Ack also acknowledges.
    other = await api.raise_incident()
    await status(api, other, state="ACTIVE", stageAlias="Ack")
    acked = await state(api, other)
    assert acked["incidentStatus"]["stage"] == "TRIAGE"
    assert acked["acknowledged"]["actor"] == EDITOR
    assert acked["lead"] is None  # still in TRIAGE


async def test_stage_name_refusals_change_nothing(api: Api) -> None:
    urn = await api.raise_incident()
    before = await state(api, urn)
    for fields in (
        {"state": "ACTIVE", "stageAlias": "Sleeping"},
        {"state": "ACTIVE", "stageAlias": "Fixing", "stage": "TRIAGE"},
        {"state": "ACTIVE", "stageAlias": "Resolved", "message": "x"},
        {"state": "RESOLVED", "stageAlias": "Investigating", "message": "x"},
    ):
        error = await status_error(api, urn, **fields)
        assert error["extensions"]["code"] == "BAD_USER_INPUT", fields
        assert "stageAlias" in error["message"]
    assert await state(api, urn) == before


async def test_acknowledge_once_and_again_is_a_no_op(api: Api) -> None:
    urn = await api.raise_incident()
    assert (await api.gql(ACK, {"u": urn})) == {"acknowledgeIncident": True}
    first = await state(api, urn)
    assert first["acknowledged"]["actor"] == EDITOR
    assert first["timeToAcknowledgeMs"] == first["acknowledged"]["time"] - first["created"]["time"]
    assert (await api.gql(ACK, {"u": urn}, role=Role.ADMIN)) == {"acknowledgeIncident": False}
    assert await state(api, urn) == first
    assert [e["kind"] for e in first["timeline"]["events"]] == ["RAISED", "ACKNOWLEDGED"]
    viewer = await api.error(ACK, {"u": urn}, role=Role.VIEWER)
    assert viewer["extensions"]["code"] == "FORBIDDEN"
    missing = await api.error(ACK, {"u": "urn:li:incident:nope"})
    assert missing["extensions"]["code"] == "NOT_FOUND"


async def test_lead_explicit_automatic_and_refused(api: Api) -> None:
    urn = await api.raise_incident(assigneeUrns=["urn:li:corpuser:ann", "urn:li:corpGroup:eng"])
    assert (await state(api, urn))["lead"] is None
    # Moving to another TRIAGE status keeps no lead; moving past it makes the actor lead.
    await status(api, urn, state="ACTIVE", stage="TRIAGE")
    assert (await state(api, urn))["lead"] is None
    await status(api, urn, role=Role.ADMIN, state="ACTIVE", stage="INVESTIGATION")
    assert (await state(api, urn))["lead"]["urn"] == ADMIN
    # An existing lead is kept when someone else moves the stage on.
    await status(api, urn, state="ACTIVE", stage="WORK_IN_PROGRESS")
    assert (await state(api, urn))["lead"]["urn"] == ADMIN
    await api.gql(UPDATE, {"u": urn, "i": {"leadUrn": "urn:li:corpuser:bob"}})
    current = await state(api, urn)
    assert current["lead"]["urn"] == "urn:li:corpuser:bob"
    last = current["timeline"]["events"][-1]
    assert last["kind"] == "LEAD_CHANGED"
    assert last["changes"] == [
        {"field": "lead", "oldValue": ADMIN, "newValue": "urn:li:corpuser:bob"}
    ]
    subscribed = {(s["subscriber"]["urn"], s["reason"]) for s in current["subscribers"]}
    assert subscribed == {
        ("urn:li:corpuser:ann", "ASSIGNEE"),
        ("urn:li:corpGroup:eng", "ASSIGNEE"),
        (ADMIN, "LEAD"),
        ("urn:li:corpuser:bob", "LEAD"),
    }
    before = await state(api, urn)
    for lead in ("urn:li:corpGroup:eng", "bob", "urn:li:dataset:(x)"):
        error = await api.error(UPDATE, {"u": urn, "i": {"leadUrn": lead}})
        assert error["extensions"]["code"] == "BAD_USER_INPUT", lead
    assert await state(api, urn) == before
    await api.gql(UPDATE, {"u": urn, "i": {"leadUrn": None}})
    assert (await state(api, urn))["lead"] is None


async def test_timeline_records_every_change_with_old_and_new(api: Api) -> None:
    urn = await api.raise_incident(title="t0", priority="LOW")
    await api.gql(
        UPDATE,
        {
            "u": urn,
            "i": {
                "title": "t1",
                "priority": "HIGH",
                "assigneeUrns": ["urn:li:corpuser:ann"],
                "status": {"state": "ACTIVE", "stage": "INVESTIGATION"},
            },
        },
    )
    incident = await state(api, urn)
    assert incident["version"] == 2  # one change, one version, one event
    raised, updated = incident["timeline"]["events"]
    assert raised["kind"] == "RAISED"
    assert {c["field"]: c["newValue"] for c in raised["changes"]}["title"] == "t0"
    assert updated["kind"] == "UPDATED"
    assert updated["actor"] == EDITOR
    changes = {c["field"]: (c["oldValue"], c["newValue"]) for c in updated["changes"]}
    assert changes["title"] == ("t0", "t1")
    assert changes["priority"] == ("LOW", "HIGH")
    assert changes["stage"] == (None, "INVESTIGATION")
    assert changes["lead"] == (None, EDITOR)
    assert json.loads(changes["assignees"][1]) == ["urn:li:corpuser:ann"]
    page = (
        await api.gql(
            "query($u: String!) { incident(urn: $u) { timeline(start: 1, count: 5) { start count total events { kind } } } }",
            {"u": urn},
        )
    )["incident"]["timeline"]
    assert page == {"start": 1, "count": 1, "total": 2, "events": [{"kind": "UPDATED"}]}


async def test_comments_mentions_and_edits(api: Api) -> None:
    urn = await api.raise_incident()
    text = "looks like @urn:li:corpuser:ann. and @urn:li:corpuser:bob should see this"
    comment_id = (await api.gql(COMMENT, {"u": urn, "t": text}))["addIncidentComment"]
    incident = await state(api, urn)
    comment = incident["comments"]["comments"][0]
    assert comment["id"] == comment_id
    assert comment["mentions"] == ["urn:li:corpuser:ann", "urn:li:corpuser:bob"]
    assert comment["created"]["actor"] == EDITOR
    assert comment["edited"] is None
    assert {(s["subscriber"]["urn"], s["reason"]) for s in incident["subscribers"]} == {
        ("urn:li:corpuser:ann", "MENTIONED"),
        ("urn:li:corpuser:bob", "MENTIONED"),
    }
    await api.gql(EDIT, {"u": urn, "c": comment_id, "t": "on it, @urn:li:corpuser:cy"})
    edited = await state(api, urn)
    assert edited["comments"]["comments"][0]["text"] == "on it, @urn:li:corpuser:cy"
    assert edited["comments"]["comments"][0]["edited"]["time"] > 0
    assert "urn:li:corpuser:cy" in {s["subscriber"]["urn"] for s in edited["subscribers"]}
    events = edited["timeline"]["events"]
    assert [e["kind"] for e in events] == ["RAISED", "COMMENTED", "COMMENT_EDITED"]
    # The timeline keeps the original text: nothing in it is rewritten.
    assert events[1]["changes"] == [{"field": "comment", "oldValue": None, "newValue": text}]
    assert events[2]["changes"] == [
        {"field": "comment", "oldValue": text, "newValue": "on it, @urn:li:corpuser:cy"}
    ]
    assert events[1]["commentId"] == events[2]["commentId"] == comment_id


async def test_comment_refusals_change_nothing(api: Api) -> None:
    urn = await api.raise_incident()
    comment_id = (await api.gql(COMMENT, {"u": urn, "t": "mine"}))["addIncidentComment"]
    before = await state(api, urn)
    not_author = await api.error(EDIT, {"u": urn, "c": comment_id, "t": "hijack"}, role=Role.ADMIN)
    assert not_author["extensions"]["code"] == "FORBIDDEN"
    assert "author" in not_author["message"]
    for variables, code in (
        ({"u": urn, "c": "999999", "t": "x"}, "NOT_FOUND"),
        ({"u": urn, "c": "abc", "t": "x"}, "BAD_USER_INPUT"),
        ({"u": urn, "c": comment_id, "t": "  "}, "BAD_USER_INPUT"),
    ):
        assert (await api.error(EDIT, variables))["extensions"]["code"] == code
    for variables, code, role in (
        ({"u": urn, "t": ""}, "BAD_USER_INPUT", Role.EDITOR),
        ({"u": urn, "t": "x" * 50_001}, "BAD_USER_INPUT", Role.EDITOR),
        ({"u": urn, "t": "hi"}, "FORBIDDEN", Role.VIEWER),
        ({"u": "urn:li:incident:nope", "t": "hi"}, "NOT_FOUND", Role.EDITOR),
    ):
        assert (await api.error(COMMENT, variables, role=role))["extensions"]["code"] == code
    assert await state(api, urn) == before


async def test_subscriptions_and_my_incidents(api: Api) -> None:
    mine_query = "{ myIncidents { count total incidents { urn } } }"
    led = await api.raise_incident(title="led")
    await api.gql(UPDATE, {"u": led, "i": {"leadUrn": "urn:li:corpuser:viewer-user"}})
    assigned = await api.raise_incident(assigneeUrns=["urn:li:corpuser:viewer-user"])
    followed = await api.raise_incident()
    await api.raise_incident(title="not mine")
    subscribe = "mutation($u: String!) { subscribeToIncident(urn: $u) }"
    unsubscribe = "mutation($u: String!) { unsubscribeFromIncident(urn: $u) }"
    assert (await api.gql(subscribe, {"u": followed}, role=Role.VIEWER)) == {
        "subscribeToIncident": True
    }
    mine = (await api.gql(mine_query, role=Role.VIEWER))["myIncidents"]
    assert (mine["count"], mine["total"]) == (20, 3)  # count: the page size, as DataHub's
    assert {i["urn"] for i in mine["incidents"]} == {led, assigned, followed}
    assert (await state(api, followed))["subscribers"] == [
        {"subscriber": {"urn": "urn:li:corpuser:viewer-user"}, "reason": "SUBSCRIBED"}
    ]
    await api.gql(unsubscribe, {"u": followed}, role=Role.VIEWER)
    await api.gql(unsubscribe, {"u": followed}, role=Role.VIEWER)  # again: still fine
    mine = (await api.gql(mine_query, role=Role.VIEWER))["myIncidents"]
    assert {i["urn"] for i in mine["incidents"]} == {led, assigned}
    assert (await state(api, followed))["subscribers"] == []
    await api.resolve(assigned)
    active = await api.gql("{ myIncidents(state: ACTIVE) { total } }", role=Role.VIEWER)
    assert active["myIncidents"]["total"] == 1
    missing = await api.error(subscribe, {"u": "urn:li:incident:nope"})
    assert missing["extensions"]["code"] == "NOT_FOUND"


async def test_expected_version_conflict_changes_nothing(api: Api) -> None:
    urn = await api.raise_incident(title="v1")
    await api.gql(UPDATE, {"u": urn, "i": {"title": "v2"}, "v": 1})
    before = await state(api, urn)
    assert before["version"] == 2
    stale = 1
    attempts = [
        (UPDATE, {"u": urn, "i": {"title": "lost"}, "v": stale}),
        (STATUS, {"u": urn, "i": {"state": "RESOLVED", "message": "m"}, "v": stale}),
        (COMMENT, {"u": urn, "t": "late", "v": stale}),
        (ACK, {"u": urn, "v": stale}),
    ]
    for query, variables in attempts:
        error = await api.error(query, variables)
        assert error["extensions"]["code"] == "CONFLICT"
        assert error["extensions"]["currentVersion"] == 2
        assert "version 2" in error["message"]
    assert await state(api, urn) == before
    await api.gql(COMMENT, {"u": urn, "t": "on time", "v": 2})
    assert (await state(api, urn))["version"] == 3
