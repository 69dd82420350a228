"""The subscription `incidentEvents`: incident changes as they happen (see http/live_view.py)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.enums import IncidentPriority, IncidentState, NotifyKind
from incident_graph.api.live.types import IncidentEventFilter, IncidentEventMessage
from incident_graph.api.scalars import Long
from incident_graph.domain.events import Notification
from incident_graph.notify.live import LiveEvents


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
