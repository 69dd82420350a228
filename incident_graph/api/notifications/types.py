"""Notification channels, policies, deliveries and on-call schedules, as the API shows them."""

from __future__ import annotations

import strawberry

from incident_graph.api.enums import (
    DeliveryStatus,
    DestinationKind,
    IncidentPriority,
    IncidentType,
    NotifyKind,
)
from incident_graph.api.scalars import Long
from incident_graph.domain.notifications import ChannelConfig, display_url
from incident_graph.store.tables import Delivery as DeliveryRow
from incident_graph.store.tables import DeliveryAttempt as AttemptRow
from incident_graph.store.tables import NotificationChannel as ChannelRow
from incident_graph.store.tables import NotificationEvent as EventRow
from incident_graph.store.tables import NotificationPolicy as PolicyRow
from incident_graph.store.tables import OnCallSchedule as ScheduleRow


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


def _shown_url(config: ChannelConfig) -> str | None:
    if config.get("url_display"):
        return str(config["url_display"])
    url = config.get("url")
    # A row from before encryption holds its URL in plaintext until the next start seals it.
    return display_url(url) if isinstance(url, str) and url.startswith("http") else None


def channel_of(row: ChannelRow) -> NotificationChannel:
    config = row.config
    return NotificationChannel(
        id=strawberry.ID(str(row.id)),
        name=row.name,
        kind=row.kind,
        url=_shown_url(config),
        signed=bool(config.get("secret")),
        soda_event_names=row.soda_event_names,
        recipients=list(config.get("recipients", [])),
        created_at=Long(row.created_ms),
    )


@strawberry.type
class QuietHours:
    start: str
    end: str
    time_zone: str


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


def policy_of(row: PolicyRow) -> NotificationPolicy:
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


def delivery_of(
    row: DeliveryRow, event: EventRow, channel: ChannelRow | None, attempts: list[AttemptRow]
) -> Delivery:
    return Delivery(
        id=strawberry.ID(str(row.id)),
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=Long(row.next_attempt_ms),
        last_error=row.last_error,
        created_at=Long(row.created_ms),
        delivered_at=None if row.delivered_ms is None else Long(row.delivered_ms),
        event_id=strawberry.ID(str(event.id)),
        event_type=event.kind,
        incident_urn=event.payload["incident"]["urn"],
        recipients=list(row.recipients),
        channel=None if channel is None else channel_of(channel),
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


@strawberry.type
class OnCallSchedule:
    id: strawberry.ID
    name: str
    members: list[str]
    handoff_time: str
    length_days: int
    time_zone: str
    start_date: str


def schedule_of(row: ScheduleRow) -> OnCallSchedule:
    return OnCallSchedule(
        id=strawberry.ID(str(row.id)),
        name=row.name,
        members=list(row.members),
        handoff_time=row.handoff,
        length_days=row.length_days,
        time_zone=row.time_zone,
        start_date=row.start_date,
    )


@strawberry.type(description="Who is on call in a schedule at a moment.")
class OnCallShift:
    schedule: OnCallSchedule
    user_urn: str
    at: Long
    from_override: bool
