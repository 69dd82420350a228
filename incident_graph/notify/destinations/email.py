"""Email over SMTP (aiosmtplib): one plain-text message to the channel's list and the users."""

from __future__ import annotations

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


def compose(message: Message) -> EmailMessage:
    payload = message.payload
    incident = payload["incident"]
    asset = payload.get("asset") or {}
    lines = [
        headline(message),
        "",
        f"Priority: {incident.get('priority') or 'NONE'}",
        f"Status:   {status_text(incident)}",
        f"Type:     {incident['type']}",
        f"Asset:    {asset.get('urn', '-')}",
        f"Owners:   {', '.join(payload.get('owners', [])) or 'none'}",
        f"By:       {payload['actor']}",
        "",
    ]
    if incident.get("description"):
        lines += [incident["description"], ""]
    comment = payload.get("extra", {}).get("comment")
    if comment:
        lines += [f"Comment: {comment}", ""]
    lines += [f"Open: {incident['link']}", f"Incident: {incident['urn']}"]
    mail = EmailMessage()
    mail["Subject"] = f"[{incident.get('priority') or 'incident'}] {headline(message)}"
    mail["From"] = message.config["smtp_from"]
    mail["To"] = ", ".join(addresses(message))
    mail["X-Incident-Graph-Delivery"] = str(message.delivery_id)
    mail.set_content("\n".join(lines))
    return mail


class EmailDestination:
    def __init__(self, *, timeout_s: float) -> None:
        self._timeout_s = timeout_s

    async def send(self, message: Message) -> SendResult:
        config = message.config
        mail = compose(message)
        if not mail["To"]:
            return SendResult(ok=False, error="no recipient address for this event")
        try:
            await aiosmtplib.send(
                mail,
                hostname=config["smtp_host"],
                port=config["smtp_port"],
                start_tls=bool(config.get("smtp_starttls")),
                timeout=self._timeout_s,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:300])
        return SendResult(ok=True)
