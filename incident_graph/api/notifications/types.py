"""Root fields for notifications: channels, policies, deliveries and redelivery.

Everything here needs an editor or admin token: channels hold webhook URLs and deliveries say
who was told what.
"""

from __future__ import annotations

from typing import Any

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.incidents.mutations import CanWrite
from incident_graph.api.scalars import Long
from incident_graph.domain import paging
from incident_graph.domain.enums import IncidentPriority, IncidentType
from incident_graph.domain.errors import BadUserInputError, NotFoundError
from incident_graph.domain.notifications import (
    DeliveryStatus,
    DestinationKind,
    NotifyKind,
    build_channel,
    build_policy,
    display_url,
)
from incident_graph.notify.egress import policy_for
from incident_graph.notify.secrets import keyring_for
from incident_graph.services import notifications as notification_service
from incident_graph.store import notifications as notification_store
from incident_graph.store.tables import (
    Delivery as DeliveryRow,
)
from incident_graph.store.tables import (
    DeliveryAttempt as AttemptRow,
)
from incident_graph.store.tables import (
    NotificationChannel as ChannelRow,
)
from incident_graph.store.tables import (
    NotificationEvent as EventRow,
)
from incident_graph.store.tables import (
    NotificationPolicy as PolicyRow,
)

strawberry.enum(DestinationKind, description="Where a notification channel sends.")
strawberry.enum(
    DeliveryStatus,
    description="PENDING, DELIVERED, FAILED (another attempt is scheduled) or DEAD.",
)
strawberry.enum(NotifyKind, name="NotificationEventType", description="The changes that notify.")


def parse_id(raw: strawberry.ID, what: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise BadUserInputError(
            f"{what} {raw!r} is not an id this API returned", field=what
        ) from exc


@strawberry.input(description="A Slack or Teams member id for a user, so messages can @mention.")
class MemberIdInput:
    user_urn: str
    member_id: str


@strawberry.input(description="Where a channel sends, and how.")
class NotificationDestinationInput:
    kind: DestinationKind
    url: str | None = strawberry.field(default=None, description="WEBHOOK, SLACK, TEAMS.")
    secret: str | None = strawberry.field(
        default=None, description="WEBHOOK: HMAC-SHA256 signing secret (16+ characters)."
    )
    soda_event_names: bool = strawberry.field(
        default=False, description="WEBHOOK: name events incidentCreated / incidentUpdated."
    )
    recipients: list[str] | None = strawberry.field(
        default=None, description="EMAIL: addresses that get every message."
    )
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_from: str | None = None
    smtp_starttls: bool = False
    smtp_username: str | None = strawberry.field(
        default=None, description="EMAIL: SMTP login, with smtpPassword."
    )
    smtp_password: str | None = strawberry.field(
        default=None, description="EMAIL: SMTP password; stored encrypted, never returned."
    )
    user_email_domain: str | None = strawberry.field(
        default=None,
        description="EMAIL: also mail each recipient user as <name>@<domain>.",
    )
    member_ids: list[MemberIdInput] | None = None


@strawberry.type(
    description="A notification channel; its secrets (signing secret, full URL, SMTP password) "
    "are never returned."
)
class NotificationChannel:
    id: strawberry.ID
    name: str
    kind: DestinationKind
    url: str | None = strawberry.field(
        description="Only the URL's origin (https://hooks.slack.com/…): the rest may be a "
        "credential."
    )
    signed: bool
    soda_event_names: bool
    recipients: list[str]
    created_at: Long


def _shown_url(config: dict[str, Any]) -> str | None:
    if config.get("url_display"):
        return str(config["url_display"])
    url = config.get("url")
    # A row from before encryption holds its URL in plaintext until the next start seals it.
    return display_url(url) if isinstance(url, str) and url.startswith("http") else None


def _channel(row: ChannelRow) -> NotificationChannel:
    config: dict[str, Any] = row.config
    return NotificationChannel(
        id=strawberry.ID(str(row.id)),
        name=row.name,
        kind=DestinationKind(row.kind),
        url=_shown_url(config),
        signed=bool(config.get("secret")),
        soda_event_names=row.soda_event_names,
        recipients=list(config.get("recipients", [])),
        created_at=Long(row.created_ms),
    )


@strawberry.input(description="A window in which non-CRITICAL events are held.")
class QuietHoursInput:
    start: str = strawberry.field(description='Local time "HH:MM", e.g. "22:00".')
    end: str = strawberry.field(description='Local time "HH:MM", e.g. "07:00".')
    time_zone: str = "UTC"


@strawberry.type
class QuietHours:
    start: str
    end: str
    time_zone: str


@strawberry.input(description="Which events a policy matches (empty lists match all).")
class NotificationPolicyInput:
    name: str
    event_types: list[NotifyKind] | None = None
    priorities: list[IncidentPriority] | None = None
    incident_types: list[IncidentType] | None = None
    platforms: list[str] | None = None
    asset_urns: list[str] | None = None
    tags: list[str] | None = None
    channel_ids: list[strawberry.ID] | None = None
    user_urns: list[str] | None = strawberry.field(
        default=None,
        description="Users (or teams) told personally by email, and named in channel messages.",
    )
    quiet_hours: QuietHoursInput | None = None
    on_call_schedule_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Whoever is on call in these schedules when a delivery is sent: told "
        "personally by email, and named in channel messages.",
    )


@strawberry.type
class NotificationPolicy:
    id: strawberry.ID
    name: str
    event_types: list[NotifyKind]
    priorities: list[IncidentPriority]
    incident_types: list[IncidentType]
    platforms: list[str]
    asset_urns: list[str]
    tags: list[str]
    channel_ids: list[strawberry.ID]
    user_urns: list[str]
    quiet_hours: QuietHours | None
    on_call_schedule_ids: list[strawberry.ID]


def _policy(row: PolicyRow) -> NotificationPolicy:
    match = row.match
    quiet = None
    if row.quiet_start and row.quiet_end:
        quiet = QuietHours(
            start=row.quiet_start, end=row.quiet_end, time_zone=row.quiet_time_zone or "UTC"
        )
    return NotificationPolicy(
        id=strawberry.ID(str(row.id)),
        name=row.name,
        event_types=[NotifyKind(v) for v in match.get("event_types", [])],
        priorities=[IncidentPriority(v) for v in match.get("priorities", [])],
        incident_types=[IncidentType(v) for v in match.get("incident_types", [])],
        platforms=list(match.get("platforms", [])),
        asset_urns=list(match.get("asset_urns", [])),
        tags=list(match.get("tags", [])),
        channel_ids=[strawberry.ID(str(c)) for c in row.channel_ids],
        user_urns=list(row.user_urns),
        quiet_hours=quiet,
        on_call_schedule_ids=[strawberry.ID(str(s)) for s in row.oncall_schedule_ids or []],
    )


@strawberry.type(description="One try at sending a delivery.")
class DeliveryAttempt:
    time: Long
    outcome: str = strawberry.field(description="OK or ERROR.")
    http_status: int | None
    error: str | None
    duration_ms: int


@strawberry.type(
    description="One event sent to one channel, or to one user personally (by email), retried "
    "until delivered or dead."
)
class Delivery:
    id: strawberry.ID
    status: DeliveryStatus
    attempts: int
    next_attempt_at: Long
    last_error: str | None
    created_at: Long
    delivered_at: Long | None
    event_id: strawberry.ID
    event_type: NotifyKind
    incident_urn: str
    recipients: list[str]
    channel: NotificationChannel | None = strawberry.field(
        description="The channel; null for a delivery to a user personally."
    )
    user_urn: str | None = strawberry.field(
        description="A personal delivery's user or team; null for channel deliveries, and for "
        "one paging whoever is on call until it is sent."
    )
    on_call_schedule_ids: list[strawberry.ID] = strawberry.field(
        description="Schedules whose on-call person is looked up when this is first sent."
    )
    attempt_log: list[DeliveryAttempt]


@strawberry.type
class DeliveriesResult:
    start: int
    count: int
    total: int
    deliveries: list[Delivery]


def _delivery(
    row: DeliveryRow, event: EventRow, channel: ChannelRow | None, attempts: list[AttemptRow]
) -> Delivery:
    return Delivery(
        id=strawberry.ID(str(row.id)),
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=Long(row.next_attempt_ms),
        last_error=row.last_error,
        created_at=Long(row.created_ms),
        delivered_at=None if row.delivered_ms is None else Long(row.delivered_ms),
        event_id=strawberry.ID(str(event.id)),
        event_type=NotifyKind(event.kind),
        incident_urn=event.payload["incident"]["urn"],
        recipients=list(row.recipients),
        channel=None if channel is None else _channel(channel),
        user_urn=row.user_urn,
        on_call_schedule_ids=[strawberry.ID(str(s)) for s in row.oncall_schedule_ids or []],
        attempt_log=[
            DeliveryAttempt(
                time=Long(a.time_ms),
                outcome=a.outcome,
                http_status=a.http_status,
                error=a.error,
                duration_ms=a.duration_ms,
            )
            for a in attempts
        ],
    )


async def _deliveries(info: Info, rows: list[DeliveryRow]) -> list[Delivery]:
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
        _delivery(
            r,
            events[r.event_id],
            None if r.channel_id is None else channels[r.channel_id],
            attempts.get(r.id, []),
        )
        for r in rows
    ]


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
            deliveries=await _deliveries(info, rows),
        )

    @strawberry.field(permission_classes=[CanWrite])
    async def notification_channels(self, info: Info) -> list[NotificationChannel]:
        async with info.context.db.reading() as session:
            return [_channel(r) for r in await notification_store.all_channels(session)]

    @strawberry.field(permission_classes=[CanWrite])
    async def notification_policies(self, info: Info) -> list[NotificationPolicy]:
        async with info.context.db.reading() as session:
            return [_policy(r) for r in await notification_store.all_policies(session)]


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
            keyring=keyring_for(ctx.settings),
            egress=policy_for(ctx.settings),
        )
        async with ctx.db.reading() as session:
            row = await notification_store.get_channel(session, channel_id=channel_id)
        if row is None:
            raise NotFoundError(f"channel {channel_id} vanished; list notificationChannels")
        return _channel(row)

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
        return _policy(row)

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
        return (await _deliveries(info, [row]))[0]
