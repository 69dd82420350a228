"""Notification rules: event kinds, channel and policy validation, routing, quiet hours, backoff.

Pure: no I/O. The worker and the services decide with these; the store only keeps the result.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Final, TypedDict
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from incident_graph import urns
from incident_graph.domain import limits
from incident_graph.domain.enums import IncidentPriority, IncidentType
from incident_graph.domain.errors import BadUserInputError

MAX_NAME: Final = limits.NAME
MAX_LIST: Final = 200
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class NotifyKind(StrEnum):
    NEW_INCIDENT = "NEW_INCIDENT"
    INCIDENT_STATUS_CHANGE = "INCIDENT_STATUS_CHANGE"
    INCIDENT_ASSIGNED = "INCIDENT_ASSIGNED"
    INCIDENT_PRIORITY_CHANGE = "INCIDENT_PRIORITY_CHANGE"
    INCIDENT_COMMENT = "INCIDENT_COMMENT"


# Soda's webhook event names, for receivers written against Soda.
SODA_EVENT_NAMES: Final = {
    NotifyKind.NEW_INCIDENT: "incidentCreated",
    NotifyKind.INCIDENT_STATUS_CHANGE: "incidentUpdated",
    NotifyKind.INCIDENT_ASSIGNED: "incidentUpdated",
    NotifyKind.INCIDENT_PRIORITY_CHANGE: "incidentUpdated",
    NotifyKind.INCIDENT_COMMENT: "incidentUpdated",
}


class DestinationKind(StrEnum):
    WEBHOOK = "WEBHOOK"
    SLACK = "SLACK"
    TEAMS = "TEAMS"
    EMAIL = "EMAIL"


class DeliveryStatus(StrEnum):
    PENDING = "PENDING"
    DELIVERED = "DELIVERED"
    # The last attempt failed; another is scheduled at next_attempt_ms.
    FAILED = "FAILED"
    # Out of attempts; only redeliver(deliveryId) sends it again.
    DEAD = "DEAD"


class ChannelConfig(TypedDict, total=False):
    """What a channel needs to send, by kind: a URL (and a signing secret) for webhooks, Slack
    and Teams; SMTP settings and addresses for email. Stored as JSON, secrets encrypted."""

    url: str
    # What the API shows of the URL (its origin): the URL itself may be a credential.
    url_display: str
    secret: str
    # Slack or Teams member ids by user URN, for real mentions.
    member_ids: dict[str, str]
    smtp_host: str
    smtp_port: int
    smtp_from: str
    smtp_starttls: bool
    smtp_username: str
    smtp_password: str
    recipients: list[str]
    user_email_domain: str | None


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    name: str
    kind: DestinationKind
    config: ChannelConfig
    soda_event_names: bool = False


def _name(value: str) -> str:
    name = value.strip()
    if not name or len(name) > MAX_NAME:
        raise BadUserInputError(
            f"name must be 1 to {MAX_NAME} characters; got {len(name)}", field="name"
        )
    return name


def _url(value: str | None, what: str) -> str:
    if not value:
        raise BadUserInputError(f"a {what} destination needs a url", field="url")
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise BadUserInputError(
            f"url {value!r} is not an http(s) URL; give e.g. https://hooks.example.com/incidents",
            field="url",
        )
    return value


def display_url(url: str) -> str:
    """What the API shows of a channel's URL: the origin only. Slack and Teams webhook URLs
    are credentials in their path, and other webhooks may carry tokens in theirs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    origin = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
    rest = url[len(f"{parts.scheme}://{parts.netloc}") :]
    return origin + ("/…" if rest.strip("/") else "/")


def _email_config(
    *,
    smtp_host: str | None,
    smtp_port: int | None,
    smtp_from: str | None,
    smtp_starttls: bool,
    smtp_username: str | None,
    smtp_password: str | None,
    recipients: Sequence[str],
    user_email_domain: str | None,
) -> ChannelConfig:
    if not smtp_host:
        raise BadUserInputError("an EMAIL destination needs smtpHost", field="smtpHost")
    if smtp_port is not None and not 0 < smtp_port < 65536:
        raise BadUserInputError(f"smtpPort {smtp_port} is not a port", field="smtpPort")
    if not smtp_from or not _EMAIL.match(smtp_from):
        raise BadUserInputError(
            "an EMAIL destination needs smtpFrom, an address like alerts@example.com",
            field="smtpFrom",
        )
    bad = [r for r in recipients if not _EMAIL.match(r)]
    if bad:
        raise BadUserInputError(f"recipients {bad} are not email addresses", field="recipients")
    if not recipients and not user_email_domain:
        raise BadUserInputError(
            "an EMAIL destination needs recipients or userEmailDomain (or both)",
            field="recipients",
        )
    if bool(smtp_username) != bool(smtp_password):
        raise BadUserInputError(
            "give smtpUsername and smtpPassword together (or neither)", field="smtpPassword"
        )
    config = ChannelConfig(
        smtp_host=smtp_host,
        smtp_port=smtp_port or 25,
        smtp_from=smtp_from,
        smtp_starttls=smtp_starttls,
        recipients=list(recipients),
        user_email_domain=user_email_domain,
    )
    if smtp_username and smtp_password:
        config |= {"smtp_username": smtp_username, "smtp_password": smtp_password}
    return config


def build_channel(
    *,
    name: str,
    kind: DestinationKind,
    url: str | None = None,
    secret: str | None = None,
    recipients: Sequence[str] = (),
    soda_event_names: bool = False,
    smtp_host: str | None = None,
    smtp_port: int | None = None,
    smtp_from: str | None = None,
    smtp_starttls: bool = False,
    smtp_username: str | None = None,
    smtp_password: str | None = None,
    user_email_domain: str | None = None,
    member_ids: Mapping[str, str] | None = None,
) -> ChannelSpec:
    """A valid channel, or BAD_USER_INPUT saying which setting to fix."""
    config = ChannelConfig()
    if kind is DestinationKind.EMAIL:
        config = _email_config(
            smtp_host=smtp_host,
            smtp_port=smtp_port,
            smtp_from=smtp_from,
            smtp_starttls=smtp_starttls,
            smtp_username=smtp_username,
            smtp_password=smtp_password,
            recipients=recipients,
            user_email_domain=user_email_domain,
        )
    else:
        if smtp_username or smtp_password:
            raise BadUserInputError(
                "smtpUsername and smtpPassword apply to EMAIL destinations only",
                field="smtpPassword",
            )
        config["url"] = _url(url, kind.value)
        config["url_display"] = display_url(config["url"])
        if secret is not None:
            if kind is not DestinationKind.WEBHOOK:
                raise BadUserInputError("only WEBHOOK destinations are signed", field="secret")
            if len(secret) < 16:
                raise BadUserInputError(
                    "secret must be at least 16 characters long", field="secret"
                )
            config["secret"] = secret
    if member_ids:
        config["member_ids"] = dict(member_ids)
    if soda_event_names and kind is not DestinationKind.WEBHOOK:
        raise BadUserInputError(
            "sodaEventNames applies to WEBHOOK destinations only", field="sodaEventNames"
        )
    return ChannelSpec(
        name=_name(name), kind=kind, config=config, soda_event_names=soda_event_names
    )


@dataclass(frozen=True, slots=True)
class PolicyMatch:
    """What a policy matches; every empty list matches anything."""

    event_types: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    incident_types: tuple[str, ...] = ()
    platforms: tuple[str, ...] = ()
    asset_urns: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def as_json(self) -> dict[str, list[str]]:
        return {
            "event_types": list(self.event_types),
            "priorities": list(self.priorities),
            "incident_types": list(self.incident_types),
            "platforms": list(self.platforms),
            "asset_urns": list(self.asset_urns),
            "tags": list(self.tags),
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Sequence[str]]) -> PolicyMatch:
        return cls(**{k: tuple(raw.get(k, ())) for k in cls.__slots__})


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: str
    end: str
    time_zone: str


@dataclass(frozen=True, slots=True)
class PolicySpec:
    name: str
    match: PolicyMatch
    channel_ids: tuple[int, ...]
    user_urns: tuple[str, ...]
    quiet: QuietHours | None = None
    oncall_schedule_ids: tuple[int, ...] = ()


def _members(values: Sequence[str], allowed: type[StrEnum], what: str) -> tuple[str, ...]:
    known = {m.value for m in allowed}
    bad = [v for v in values if v not in known]
    if bad:
        raise BadUserInputError(
            f"{what} {bad} are not known; use some of {sorted(known)}", field=what
        )
    return tuple(dict.fromkeys(values))


def _capped(values: Sequence[str], what: str) -> tuple[str, ...]:
    if len(values) > MAX_LIST:
        raise BadUserInputError(f"{what} lists {len(values)} values; the limit is {MAX_LIST}")
    return tuple(dict.fromkeys(v.strip() for v in values if v.strip()))


def time_zone(name: str) -> ZoneInfo:
    # ZoneInfo reads a file named like the zone: a name longer than any IANA zone (or than
    # the column it is stored in) is refused before it becomes a path.
    if len(name) > limits.TIME_ZONE:
        raise BadUserInputError(
            f"time zone is {len(name)} characters long; the limit is {limits.TIME_ZONE}",
            field="timeZone",
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise BadUserInputError(
            f"time zone {name!r} is not known; use an IANA name like Europe/Paris or UTC",
            field="timeZone",
        ) from exc


def build_policy(
    *,
    name: str,
    event_types: Sequence[str] = (),
    priorities: Sequence[str] = (),
    incident_types: Sequence[str] = (),
    platforms: Sequence[str] = (),
    asset_urns: Sequence[str] = (),
    tags: Sequence[str] = (),
    channel_ids: Sequence[int] = (),
    user_urns: Sequence[str] = (),
    quiet_start: str | None = None,
    quiet_end: str | None = None,
    quiet_time_zone: str | None = None,
    oncall_schedule_ids: Sequence[int] = (),
) -> PolicySpec:
    """A valid policy, or BAD_USER_INPUT saying which field to fix."""
    for urn in asset_urns:
        try:
            urns.parse_asset_urn(urn)
        except urns.InvalidUrnError as exc:
            raise BadUserInputError(f"assetUrns: {exc}", field="assetUrns") from exc
    users: list[str] = []
    for urn in _capped(user_urns, "userUrns"):
        try:
            urns.parse_actor_urn(urn)
        except urns.InvalidUrnError as exc:
            raise BadUserInputError(f"userUrns: {exc}", field="userUrns") from exc
        users.append(urn)
    if not channel_ids and not users and not oncall_schedule_ids:
        raise BadUserInputError(
            "a policy needs somewhere to send: give channelIds, userUrns or onCallScheduleIds",
            field="channelIds",
        )
    quiet = None
    if quiet_start is not None or quiet_end is not None:
        for label, value in (("quietStart", quiet_start), ("quietEnd", quiet_end)):
            if value is None or not _TIME.match(value):
                raise BadUserInputError(
                    f"{label} must be a 24-hour time like 22:00; got {value!r}", field=label
                )
        tz = quiet_time_zone or "UTC"
        time_zone(tz)
        if quiet_start == quiet_end:
            raise BadUserInputError(
                "quietStart and quietEnd are equal; give a window", field="quietEnd"
            )
        quiet = QuietHours(start=quiet_start or "", end=quiet_end or "", time_zone=tz)
    return PolicySpec(
        name=_name(name),
        match=PolicyMatch(
            event_types=_members(event_types, NotifyKind, "eventTypes"),
            priorities=_members(priorities, IncidentPriority, "priorities"),
            incident_types=_members(incident_types, IncidentType, "incidentTypes"),
            platforms=_capped(platforms, "platforms"),
            asset_urns=_capped(asset_urns, "assetUrns"),
            tags=_capped([t.removeprefix("urn:li:tag:") for t in tags], "tags"),
        ),
        channel_ids=tuple(dict.fromkeys(channel_ids)),
        user_urns=tuple(users),
        quiet=quiet,
        oncall_schedule_ids=tuple(dict.fromkeys(oncall_schedule_ids)),
    )


@dataclass(frozen=True, slots=True)
class EventFacts:
    """What routing looks at in one event."""

    kind: str
    priority: str | None
    incident_type: str
    platforms: frozenset[str] = field(default_factory=frozenset)
    asset_urns: frozenset[str] = field(default_factory=frozenset)
    tags: frozenset[str] = field(default_factory=frozenset)


def matches(match: PolicyMatch, facts: EventFacts) -> bool:
    """Every non-empty list of the policy must be met by the event."""
    return (
        (not match.event_types or facts.kind in match.event_types)
        and (not match.priorities or (facts.priority or "") in match.priorities)
        and (not match.incident_types or facts.incident_type in match.incident_types)
        and (not match.platforms or bool(facts.platforms & set(match.platforms)))
        and (not match.asset_urns or bool(facts.asset_urns & set(match.asset_urns)))
        and (not match.tags or bool(facts.tags & set(match.tags)))
    )


def quiet_until(quiet: QuietHours | None, *, priority: str | None, now_ms: int) -> int | None:
    """When a held event may be sent: the end of the quiet window, or None to send now.

    CRITICAL always goes out at once.
    """
    if quiet is None or priority == IncidentPriority.CRITICAL.value:
        return None
    tz = ZoneInfo(quiet.time_zone)
    local = datetime.fromtimestamp(now_ms / 1000, tz=UTC).astimezone(tz)
    start_h, start_m = (int(p) for p in quiet.start.split(":"))
    end_h, end_m = (int(p) for p in quiet.end.split(":"))
    minute = local.hour * 60 + local.minute
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    inside = start <= minute < end if start < end else minute >= start or minute < end
    if not inside:
        return None
    end_today = local.replace(hour=end_h, minute=end_m, second=0, microsecond=0)
    opens = end_today if end_today > local else end_today + timedelta(days=1)
    return int(opens.astimezone(UTC).timestamp() * 1000)


def backoff_ms(
    attempts: int, *, base_ms: int, max_ms: int, rng: random.Random | None = None
) -> int:
    """Exponential backoff with equal jitter: half the delay fixed, half random."""
    delay = min(max_ms, base_ms * 2 ** max(0, attempts - 1))
    pick = (rng or random).random()
    return int(delay / 2 + pick * delay / 2)
