"""Inputs of notifications and on-call: destinations, policies, quiet hours, rotations."""

from __future__ import annotations

import strawberry

from incident_graph.api.enums import DestinationKind, IncidentPriority, IncidentType, NotifyKind
from incident_graph.domain import ids


def parse_id(raw: strawberry.ID, what: str) -> int:
    return ids.parse_id(raw, field=what, refusal=f"{what} {raw!r} is not an id this API returned")


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


@strawberry.input(description="A window in which non-CRITICAL events are held.")
class QuietHoursInput:
    start: str = strawberry.field(description='Local time "HH:MM", e.g. "22:00".')
    end: str = strawberry.field(description='Local time "HH:MM", e.g. "07:00".')
    time_zone: str = "UTC"


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


@strawberry.input(description="A rotation: members take turns, handing over at a local time.")
class OnCallScheduleInput:
    name: str
    members: list[str] = strawberry.field(description="urn:li:corpuser:<name>, in turn order.")
    handoff_time: str = strawberry.field(default="09:00", description='Local "HH:MM".')
    length_days: int = strawberry.field(default=7, description="Days each member is on call.")
    time_zone: str = strawberry.field(default="UTC", description="IANA name, e.g. Europe/Paris.")
    start_date: str | None = strawberry.field(
        default=None,
        description="The local date (YYYY-MM-DD) the first member starts; default today.",
    )
