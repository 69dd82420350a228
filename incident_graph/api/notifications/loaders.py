"""Deliveries read with their events, channels and attempt logs: three queries for a page."""

from __future__ import annotations

from incident_graph.api.context import Info
from incident_graph.api.notifications.types import Delivery, delivery_of
from incident_graph.store import notifications as notification_store
from incident_graph.store.tables import Delivery as DeliveryRow


async def load_deliveries(info: Info, rows: list[DeliveryRow]) -> list[Delivery]:
    async with info.context.db.reading() as session:
        events = await notification_store.events_by_id(
            session, ids=sorted({r.event_id for r in rows})
        )
        channels = await notification_store.channels_by_id(
            session, ids=sorted({r.channel_id for r in rows if r.channel_id is not None})
        )
        attempts = await notification_store.attempts_by_delivery(
            session, delivery_ids=[r.id for r in rows]
        )
    return [
        delivery_of(
            r,
            events[r.event_id],
            None if r.channel_id is None else channels[r.channel_id],
            attempts.get(r.id, []),
        )
        for r in rows
    ]
