"""The transactional outbox: an incident change and its notification event commit together.

`record` runs inside the writer unit that makes the change, so a committed change always has
its event and a rolled-back one never does. It stores a snapshot of the incident as the unit
holds it after the change; who hears about it (owners, downstream owners, subscribers,
policies) is worked out later by the worker, after the commit.
"""

from __future__ import annotations

from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.events import EventExtra, EventPayload, IncidentSnapshot
from incident_graph.domain.notifications import NotifyKind
from incident_graph.store import notifications as notification_store
from incident_graph.store.incidents import HeldIncident
from incident_graph.store.writer import after_commit

# Raised by the writer once a unit that recorded an event commits: the delivery worker wakes
# on it instead of waiting for its next poll.
EVENT_COMMITTED: Final = "notify.event_committed"


async def record(
    session: AsyncSession,
    *,
    kind: NotifyKind,
    incident: HeldIncident,
    actor: str,
    now_ms: int,
    extra: EventExtra | None = None,
) -> None:
    """Write one outbox event with the incident as the unit now holds it."""
    row = incident.row
    snapshot = IncidentSnapshot(
        urn=row.urn,
        title=row.title,
        description=row.description,
        type=row.incident_type,
        customType=row.custom_type,
        priority=row.priority,
        state=row.state,
        stage=row.stage,
        message=row.status_message,
        lead=row.lead_urn,
        assignees=list(await incident.assignees(session)),
        created=row.created_ms,
    )
    payload = EventPayload(
        event=kind,
        time=now_ms,
        actor=actor,
        incident=snapshot,
        assets=list(await incident.assets(session)),
        extra=extra or {},
    )
    await notification_store.insert_event(
        session, kind=kind, incident_id=row.id, payload=payload, now_ms=now_ms
    )
    after_commit(session, EVENT_COMMITTED)


__all__ = ["EVENT_COMMITTED", "record"]
