"""The transactional outbox: an incident change and its notification event commit together.

`record` runs inside the writer unit that makes the change, so a committed change always has
its event and a rolled-back one never does. It stores a snapshot of the incident as it is
after the change; who hears about it (owners, downstream owners, subscribers, policies) is
worked out later by the worker, after the commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.notifications import NotifyKind
from incident_graph.store import incidents as incident_store
from incident_graph.store import notifications as notification_store
from incident_graph.store.tables import Incident


async def record(
    session: AsyncSession,
    *,
    kind: NotifyKind,
    incident_id: int,
    actor: str,
    now_ms: int,
    extra: dict[str, Any] | None = None,
) -> int:
    """Write one outbox event with the incident as it now is; returns the event id."""
    incident = (
        await session.scalars(
            # The unit may have changed the row with UPDATE statements: read it afresh.
            select(Incident)
            .where(Incident.id == incident_id)
            .execution_options(populate_existing=True)
        )
    ).one()
    return await record_change(
        session, kind=kind, incident=incident, values={}, actor=actor, now_ms=now_ms, extra=extra
    )


async def record_change(
    session: AsyncSession,
    *,
    kind: NotifyKind,
    incident: Incident,
    values: Mapping[str, Any],
    actor: str,
    now_ms: int,
    extra: dict[str, Any] | None = None,
) -> int:
    """`record` for a unit holding the locked incident and the column values it set."""
    assets = (await incident_store.assets_by_incident(session, incident_ids=[incident.id])).get(
        incident.id, []
    )
    return await record_known(
        session,
        kind=kind,
        incident_id=incident.id,
        fields={column: getattr(incident, column) for column in SNAPSHOT_COLUMNS} | dict(values),
        assignees=await incident_store.assignee_urns_of(session, incident_id=incident.id),
        assets=assets,
        actor=actor,
        now_ms=now_ms,
        extra=extra,
    )


class AssetFacts(Protocol):
    """What an event says of each asset: an asset row, or the columns a raise just read."""

    @property
    def urn(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def platform(self) -> str | None: ...
    @property
    def entity_type(self) -> str: ...


# Incident columns the event's snapshot carries, and the payload key of each.
SNAPSHOT_COLUMNS: Final = {
    "urn": "urn",
    "title": "title",
    "description": "description",
    "incident_type": "type",
    "custom_type": "customType",
    "priority": "priority",
    "state": "state",
    "stage": "stage",
    "status_message": "message",
    "lead_urn": "lead",
    "created_ms": "created",
}


async def record_known(
    session: AsyncSession,
    *,
    kind: NotifyKind,
    incident_id: int,
    fields: Mapping[str, Any],
    assignees: Sequence[str],
    assets: Sequence[AssetFacts],
    actor: str,
    now_ms: int,
    extra: dict[str, Any] | None = None,
) -> int:
    """`record` for a unit that already holds the incident as written (a raise): no reads.

    `fields` has the incident's column values (SNAPSHOT_COLUMNS' keys).
    """
    snapshot = {key: fields.get(column) for column, key in SNAPSHOT_COLUMNS.items()}
    snapshot["assignees"] = list(assignees)
    snapshot["created"] = snapshot.pop("created")  # after assignees, as payloads always had it
    payload: dict[str, Any] = {
        "event": kind.value,
        "time": now_ms,
        "actor": actor,
        "incident": snapshot,
        "assets": [
            {"urn": a.urn, "name": a.name, "platform": a.platform, "type": a.entity_type}
            for a in assets
        ],
        "extra": extra or {},
    }
    return await notification_store.insert_event(
        session, kind=kind.value, incident_id=incident_id, payload=payload, now_ms=now_ms
    )


async def update_kinds(
    session: AsyncSession,
    *,
    incident: Incident,
    values: dict[str, Any],
    assignees: Sequence[str] | None,
    lead_given: bool = False,
) -> list[NotifyKind]:
    """The notifiable changes an update makes, judged before it is applied.

    A lead the status rules set on their own (whoever starts the work leads it) is part of
    the status change; only a lead the caller names is an assignment of its own.
    """
    kinds: list[NotifyKind] = []
    if any(
        k in values and values[k] != getattr(incident, k)
        for k in ("state", "stage", "status_message")
    ):
        kinds.append(NotifyKind.INCIDENT_STATUS_CHANGE)
    assigned = lead_given and values.get("lead_urn") != incident.lead_urn
    if assignees is not None and not assigned:
        old = await incident_store.assignee_urns_of(session, incident_id=incident.id)
        assigned = list(assignees) != old
    if assigned:
        kinds.append(NotifyKind.INCIDENT_ASSIGNED)
    if "priority" in values and values["priority"] != incident.priority:
        kinds.append(NotifyKind.INCIDENT_PRIORITY_CHANGE)
    return kinds
