"""Email over SMTP (aiosmtplib): one plain-text message to the channel's list and the users."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from incident_graph.notify.destinations.base import (
    Message,
    SendResult,
    headline,
    status_text,
    user_name,
)


def addresses(message: Message) -> list[str]:
    """The channel's fixed recipients, plus users as <name>@userEmailDomain when configured."""
    config = message.config
    out = list(config.get("recipients", []))
    domain = config.get("user_email_domain")
    if domain:
        out += [
            f"{user_name(u)}@{domain}"
            for u in message.recipients
            if u.startswith("urn:li:corpuser:")
        ]
    return list(dict.fromkeys(out))


def compose(message: Message, *, sender: str, to: Sequence[str]) -> EmailMessage:
    payload = message.payload
    incident = payload["incident"]
    asset = payload["asset"]
    lines = [
        headline(message),
        "",
        f"Priority: {incident['priority'] or 'NONE'}",
        f"Status:   {status_text(incident)}",
        f"Type:     {incident['type']}",
        f"Asset:    {asset['urn'] if asset else '-'}",
        f"Owners:   {', '.join(payload['owners']) or 'none'}",
        f"By:       {payload['actor']}",
        "",
    ]
    if incident["description"]:
        lines += [incident["description"], ""]
    comment = payload["extra"].get("comment")
    if comment:
        lines += [f"Comment: {comment}", ""]
    lines += [f"Open: {incident['link']}", f"Incident: {incident['urn']}"]
    if message.user_urn:
        lines += [
            "",
            (
                f"You ({message.user_urn}) get this because a notification policy names you "
                "or you are on call."
            ),
        ]
    mail = EmailMessage()
    mail["Subject"] = f"[{incident['priority'] or 'incident'}] {headline(message)}"
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    mail["X-Incident-Graph-Delivery"] = str(message.delivery_id)
    mail.set_content("\n".join(lines))
    return mail


@dataclass(frozen=True, slots=True)
class SmtpServer:
    host: str
    port: int
    sender: str
    starttls: bool = False
    username: str | None = None
    password: str | None = None


async def submit(server: SmtpServer, mail: EmailMessage, *, timeout_s: float) -> SendResult:
    try:
        await aiosmtplib.send(
            mail,
            hostname=server.host,
            port=server.port,
            start_tls=server.starttls,
            username=server.username,
            password=server.password,
            timeout=timeout_s,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:300])
    return SendResult(ok=True)


class EmailDestination:
    def __init__(self, *, timeout_s: float) -> None:
        self._timeout_s = timeout_s

    async def send(self, message: Message) -> SendResult:
        config = message.config
        server = SmtpServer(
            host=config["smtp_host"],
            port=config["smtp_port"],
            sender=config["smtp_from"],
            starttls=bool(config.get("smtp_starttls")),
            username=config.get("smtp_username"),
            password=config.get("smtp_password"),
        )
        mail = compose(message, sender=server.sender, to=addresses(message))
        if not mail["To"]:
            return SendResult(ok=False, error="no recipient address for this event")
        return await submit(server, mail, timeout_s=self._timeout_s)


class PersonalEmail:
    """A delivery to one user (or team), by the server's own SMTP relay."""

    def __init__(self, server: SmtpServer | None, *, timeout_s: float) -> None:
        self._server = server
        self._timeout_s = timeout_s

    async def send(self, message: Message) -> SendResult:
        if self._server is None:
            return SendResult(
                ok=False,
                permanent=True,
                error="no SMTP server is configured for personal notifications: set "
                "INCIDENT_GRAPH_SMTP_HOST and INCIDENT_GRAPH_SMTP_FROM, restart, then redeliver",
            )
        if not message.addresses:
            return SendResult(
                ok=False, permanent=True, error=message.problem or "no email address to send to"
            )
        mail = compose(message, sender=self._server.sender, to=message.addresses)
        return await submit(self._server, mail, timeout_s=self._timeout_s)
