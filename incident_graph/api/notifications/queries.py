"""Root query fields for notifications: deliveries, channels, policies, who is on call.

Deliveries, channels and policies need an editor or admin token: channels hold webhook URLs and
deliveries say who was told what.
"""

from __future__ import annotations

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.enums import DeliveryStatus
from incident_graph.api.notifications.inputs import parse_id
from incident_graph.api.notifications.loaders import load_deliveries
from incident_graph.api.notifications.types import (
    DeliveriesResult,
    NotificationChannel,
    NotificationPolicy,
    OnCallShift,
    channel_of,
    policy_of,
    schedule_of,
)
from incident_graph.api.permissions import CanWrite
from incident_graph.api.scalars import Long
from incident_graph.domain import paging
from incident_graph.domain.errors import NotFoundError
from incident_graph.notify.oncall import who_is_on_call
from incident_graph.store import notifications as notification_store
from incident_graph.store import oncall as oncall_store


@strawberry.type
class NotificationQueries:
    @strawberry.field(permission_classes=[CanWrite], description="Deliveries, newest first.")
    async def deliveries(
        self,
        info: Info,
        status: DeliveryStatus | None = None,
        start: int | None = 0,
        count: int | None = 20,
    ) -> DeliveriesResult:
        page = paging.page(start, count)
        async with info.context.db.reading() as session:
            total, rows = await notification_store.deliveries_page(
                session, status=status, start=page.start, count=page.count
            )
        return DeliveriesResult(
            start=page.start,
            count=len(rows),
            total=total,
            deliveries=await load_deliveries(info, rows),
        )

    @strawberry.field(permission_classes=[CanWrite])
    async def notification_channels(self, info: Info) -> list[NotificationChannel]:
        async with info.context.db.reading() as session:
            return [channel_of(r) for r in await notification_store.all_channels(session)]

    @strawberry.field(permission_classes=[CanWrite])
    async def notification_policies(self, info: Info) -> list[NotificationPolicy]:
        async with info.context.db.reading() as session:
            return [policy_of(r) for r in await notification_store.all_policies(session)]

    @strawberry.field(description="Who is on call in a schedule at `at` (default now).")
    async def who_is_on_call(
        self, info: Info, schedule: strawberry.ID, at: Long | None = None
    ) -> OnCallShift:
        schedule_id = parse_id(schedule, "schedule")
        moment = info.context.writer.clock() if at is None else int(at)
        async with info.context.db.reading() as session:
            rows = await oncall_store.schedules_by_id(session, ids=[schedule_id])
            found = await who_is_on_call(session, schedule_ids=[schedule_id], at_ms=moment)
        if schedule_id not in rows:
            raise NotFoundError(f"no on-call schedule {schedule}; create it first")
        shift = found[schedule_id]
        return OnCallShift(
            schedule=schedule_of(rows[schedule_id]),
            user_urn=shift.user_urn,
            at=Long(moment),
            from_override=shift.from_override,
        )
