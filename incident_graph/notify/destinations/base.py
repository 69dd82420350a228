"""The one small interface every destination kind implements, and what it is given."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from incident_graph.domain.events import LinkedIncident, Notification
from incident_graph.domain.notifications import ChannelConfig, NotifyKind


@dataclass(frozen=True, slots=True)
class Message:
    """One delivery, as plain data: sending never touches the database or ORM objects."""

    delivery_id: int
    event_id: int
    kind: NotifyKind
    payload: Notification
    recipients: tuple[str, ...]
    # The channel's settings, secrets opened.
    config: ChannelConfig
    soda_event_names: bool = False
    # A personal delivery: the user (or team) and the email addresses found for them, or why
    # none were found.
    user_urn: str | None = None
    addresses: tuple[str, ...] = ()
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class SendResult:
    ok: bool
    http_status: int | None = None
    error: str | None = None
    # Trying again cannot help until someone changes something (a missing address, no SMTP
    # server, a refused destination): the delivery goes straight to DEAD, for redeliver.
    permanent: bool = False


class Destination(Protocol):
    async def send(self, message: Message) -> SendResult: ...


HEADLINES: dict[NotifyKind, str] = {
    NotifyKind.NEW_INCIDENT: "New incident",
    NotifyKind.INCIDENT_STATUS_CHANGE: "Incident status changed",
    NotifyKind.INCIDENT_ASSIGNED: "Incident assigned",
    NotifyKind.INCIDENT_PRIORITY_CHANGE: "Incident priority changed",
    NotifyKind.INCIDENT_COMMENT: "New comment on incident",
}


def headline(message: Message) -> str:
    title = message.payload["incident"]["title"] or message.payload["incident"]["urn"]
    return f"{HEADLINES[message.kind]}: {title}"


def user_name(urn: str) -> str:
    """`urn:li:corpuser:jdoe` -> `jdoe` (groups keep their name too)."""
    return urn.rsplit(":", 1)[-1]


def failing_check(payload: Notification) -> str | None:
    """The check result that raised the incident, in a line; None when a person raised it."""
    result = payload["extra"].get("checkResult")
    if result is None:
        return None
    measured = ", ".join(
        f"{label} {value}"
        for label, value in (
            ("observed", result["observedValue"]),
            ("threshold", result["threshold"]),
        )
        if value is not None
    )
    return f"{result['checkName']}: {result['status']} in run {result['runId']}" + (
        f" ({measured})" if measured else ""
    )


def status_text(incident: LinkedIncident) -> str:
    stage = incident["stage"]
    return f"{incident['state']} ({stage})" if stage else incident["state"]
