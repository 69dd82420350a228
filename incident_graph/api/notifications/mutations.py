"""Root mutation fields for notifications: channels, policies, redelivery, on-call."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.notifications.inputs import (
    NotificationDestinationInput,
    NotificationPolicyInput,
    OnCallScheduleInput,
    parse_id,
)
from incident_graph.api.notifications.loaders import load_deliveries
from incident_graph.api.notifications.types import (
    Delivery,
    NotificationChannel,
    NotificationPolicy,
    OnCallSchedule,
    channel_of,
    policy_of,
    schedule_of,
)
from incident_graph.api.permissions import CanWrite
from incident_graph.api.scalars import Long
from incident_graph.domain.errors import NotFoundError
from incident_graph.domain.notifications import build_channel, build_policy
from incident_graph.domain.oncall import build_override, build_rotation
from incident_graph.notify.egress import policy_for
from incident_graph.services import notifications as notification_service
from incident_graph.services import oncall as oncall_service
from incident_graph.store import notifications as notification_store
from incident_graph.store import oncall as oncall_store


@strawberry.type
class NotificationMutations:
    @strawberry.mutation(
        permission_classes=[CanWrite], description="Create a channel notifications can go to."
    )
    async def create_notification_channel(
        self, info: Info, name: str, destination: NotificationDestinationInput
    ) -> NotificationChannel:
        d = destination
        spec = build_channel(
            name=name,
            kind=d.kind,
            url=d.url,
            secret=d.secret,
            recipients=d.recipients or (),
            soda_event_names=d.soda_event_names,
            smtp_host=d.smtp_host,
            smtp_port=d.smtp_port,
            smtp_from=d.smtp_from,
            smtp_starttls=d.smtp_starttls,
            smtp_username=d.smtp_username,
            smtp_password=d.smtp_password,
            user_email_domain=d.user_email_domain,
            member_ids={m.user_urn: m.member_id for m in d.member_ids or []},
        )
        ctx = info.context
        channel_id = await notification_service.create_channel(
            writer=ctx.writer,
            spec=spec,
            actor=ctx.principal.urn,
            keyring=ctx.keyring,
            egress=policy_for(ctx.settings),
        )
        async with ctx.db.reading() as session:
            row = await notification_store.get_channel(session, channel_id=channel_id)
        if row is None:
            raise NotFoundError(f"channel {channel_id} vanished; list notificationChannels")
        return channel_of(row)

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Create a policy routing matching events to channels and users.",
    )
    async def create_notification_policy(
        self, info: Info, input: NotificationPolicyInput
    ) -> NotificationPolicy:
        quiet = input.quiet_hours
        spec = build_policy(
            name=input.name,
            event_types=[k.value for k in input.event_types or []],
            priorities=[p.value for p in input.priorities or []],
            incident_types=[t.value for t in input.incident_types or []],
            platforms=input.platforms or (),
            asset_urns=input.asset_urns or (),
            tags=input.tags or (),
            channel_ids=[parse_id(c, "channelIds") for c in input.channel_ids or []],
            user_urns=input.user_urns or (),
            quiet_start=quiet.start if quiet else None,
            quiet_end=quiet.end if quiet else None,
            quiet_time_zone=quiet.time_zone if quiet else None,
            oncall_schedule_ids=[
                parse_id(s, "onCallScheduleIds") for s in input.on_call_schedule_ids or []
            ],
        )
        ctx = info.context
        policy_id = await notification_service.create_policy(
            writer=ctx.writer, spec=spec, actor=ctx.principal.urn
        )
        async with ctx.db.reading() as session:
            row = await notification_store.get_policy(session, policy_id=policy_id)
        if row is None:
            raise NotFoundError(f"policy {policy_id} vanished; list notificationPolicies")
        return policy_of(row)

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Send a delivery again now (dead ones too), with a fresh attempt budget.",
    )
    async def redeliver(self, info: Info, delivery_id: strawberry.ID) -> Delivery:
        wanted = parse_id(delivery_id, "deliveryId")
        ctx = info.context
        await notification_service.redeliver(writer=ctx.writer, delivery_id=wanted)
        async with ctx.db.reading() as session:
            row = await notification_store.get_delivery(session, delivery_id=wanted)
        if row is None:
            raise NotFoundError(f"no delivery {wanted}; list them with deliveries(status)")
        return (await load_deliveries(info, [row]))[0]

    @strawberry.mutation(permission_classes=[CanWrite], description="Create an on-call rotation.")
    async def create_on_call_schedule(
        self, info: Info, input: OnCallScheduleInput
    ) -> OnCallSchedule:
        rotation = build_rotation(
            name=input.name,
            members=input.members,
            handoff=input.handoff_time,
            length_days=input.length_days,
            time_zone_name=input.time_zone,
            start_date=input.start_date,
            today=datetime.now(UTC).date(),
        )
        ctx = info.context
        schedule_id = await oncall_service.create_schedule(
            writer=ctx.writer, rotation=rotation, actor=ctx.principal.urn
        )
        async with ctx.db.reading() as session:
            rows = await oncall_store.schedules_by_id(session, ids=[schedule_id])
        return schedule_of(rows[schedule_id])

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Put a user on call from start to end (epoch ms), whatever the rotation says.",
    )
    async def add_on_call_override(
        self, info: Info, schedule: strawberry.ID, user_urn: str, start: Long, end: Long
    ) -> bool:
        override = build_override(user_urn=user_urn, start_ms=int(start), end_ms=int(end))
        await oncall_service.add_override(
            writer=info.context.writer,
            schedule_id=parse_id(schedule, "schedule"),
            override=override,
        )
        return True
