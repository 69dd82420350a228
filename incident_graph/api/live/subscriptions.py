"""GraphQL subscription `incidentEvents`: incident changes as they happen (see live_view.py)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.scalars import Long
from incident_graph.domain.enums import IncidentPriority, IncidentState
from incident_graph.domain.events import Notification
from incident_graph.domain.notifications import NotifyKind
from incident_graph.notify.live import LiveEvents


@strawberry.input(description="Which live events to receive; empty lists match all.")
class IncidentEventFilter:
    event_types: list[NotifyKind] | None = None
    priorities: list[IncidentPriority] | None = None
    incident_urns: list[str] | None = None
    asset_urns: list[str] | None = None
    platforms: list[str] | None = None


@strawberry.type(description="A change to an incident, as notifications describe it.")
class IncidentEventMessage:
    event_id: strawberry.ID
    event_type: NotifyKind
    time: Long
    actor: str
    incident_urn: str
    title: str | None
    priority: IncidentPriority | None
    state: IncidentState
    stage: str | None
    link: str
    asset_urns: list[str]
    owners: list[str]
    recipients: list[str]


def _wanted(flt: IncidentEventFilter | None, payload: Notification) -> bool:
    if flt is None:
        return True
    incident = payload["incident"]
    assets = payload["assets"]
    checks: tuple[tuple[Sequence[object] | None, set[str | None]], ...] = (
        (flt.event_types, {payload["event"]}),
        (flt.priorities, {incident["priority"]}),
        (flt.incident_urns, {incident["urn"]}),
        (flt.asset_urns, {a["urn"] for a in assets}),
        (flt.platforms, {a["platform"] for a in assets}),
    )
    return all(
        not wanted or {getattr(w, "value", w) for w in wanted} & have for wanted, have in checks
    )


def _message(payload: Notification) -> IncidentEventMessage:
    incident = payload["incident"]
    return IncidentEventMessage(
        event_id=strawberry.ID(str(payload["eventId"])),
        event_type=NotifyKind(payload["event"]),
        time=Long(payload["time"]),
        actor=payload["actor"],
        incident_urn=incident["urn"],
        title=incident["title"],
        priority=IncidentPriority(incident["priority"]) if incident["priority"] else None,
        state=IncidentState(incident["state"]),
        stage=incident["stage"],
        link=incident["link"],
        asset_urns=[a["urn"] for a in payload["assets"]],
        owners=list(payload["owners"]),
        recipients=list(payload["recipients"]),
    )


@strawberry.type
class LiveSubscriptions:
    @strawberry.subscription(description="Incident changes as they happen, after commit.")
    async def incident_events(
        self, info: Info, filter: IncidentEventFilter | None = None
    ) -> AsyncGenerator[IncidentEventMessage, None]:
        live: LiveEvents = info.context.request.app.state.live_events
        async with live.subscribe() as queue:
            while True:
                payload = await queue.get()
                if _wanted(filter, payload):
                    yield _message(payload)
