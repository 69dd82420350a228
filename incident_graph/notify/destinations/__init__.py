"""Destination kinds behind one interface: `send(Message) -> SendResult`."""

from __future__ import annotations

import httpx

from incident_graph.domain.notifications import DestinationKind
from incident_graph.notify.destinations.base import Destination, Message, SendResult
from incident_graph.notify.destinations.email import EmailDestination, PersonalEmail, SmtpServer
from incident_graph.notify.destinations.slack import SlackDestination
from incident_graph.notify.destinations.teams import TeamsDestination
from incident_graph.notify.destinations.webhook import WebhookDestination
from incident_graph.store.notifications import PERSONAL


def destinations(
    client: httpx.AsyncClient, *, timeout_s: float, smtp: SmtpServer | None = None
) -> dict[str, Destination]:
    """One sender per destination kind, sharing one HTTP client; PERSONAL mails one user."""
    return {
        DestinationKind.WEBHOOK.value: WebhookDestination(client),
        DestinationKind.SLACK.value: SlackDestination(client),
        DestinationKind.TEAMS.value: TeamsDestination(client),
        DestinationKind.EMAIL.value: EmailDestination(timeout_s=timeout_s),
        PERSONAL: PersonalEmail(smtp, timeout_s=timeout_s),
    }


__all__ = ["Destination", "Message", "SendResult", "SmtpServer", "destinations"]
