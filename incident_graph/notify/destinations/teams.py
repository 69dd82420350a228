"""Microsoft Teams: an Adaptive Card posted to a Teams (Workflows) incoming webhook."""

from __future__ import annotations

import json
from typing import Any

import httpx

from incident_graph.notify.destinations.base import (
    Message,
    SendResult,
    failing_check,
    headline,
    status_text,
    user_name,
)
from incident_graph.notify.destinations.http import post_json

PRIORITY_COLORS = {"CRITICAL": "Attention", "HIGH": "Warning", "MEDIUM": "Accent", "LOW": "Good"}


def _mentions(urns: list[str], member_ids: dict[str, str]) -> tuple[str, list[dict[str, Any]]]:
    """Text naming the users, and Teams mention entities for those the channel can resolve."""
    parts: list[str] = []
    entities: list[dict[str, Any]] = []
    for urn in dict.fromkeys(urns):
        name = user_name(urn)
        member = member_ids.get(urn)
        if member:
            parts.append(f"<at>{name}</at>")
            entities.append(
                {"type": "mention", "text": f"<at>{name}</at>", "mentioned": {"id": member}}
            )
        else:
            parts.append(name)
    return ", ".join(parts) or "none", entities


def format_message(message: Message) -> dict[str, Any]:
    """The Teams message (one Adaptive Card attachment) for one event."""
    payload = message.payload
    incident = payload["incident"]
    members = message.config.get("member_ids", {})
    priority = incident["priority"] or "NONE"
    asset = payload["asset"]
    owners, owner_entities = _mentions(payload["owners"], members)
    downstream, downstream_entities = _mentions(
        [d["owner"] for d in payload["downstreamOwners"]], members
    )
    facts = [
        {"title": "Priority", "value": priority},
        {"title": "Status", "value": status_text(incident)},
        {"title": "Type", "value": incident["type"]},
        {"title": "Asset", "value": asset["urn"] if asset else "-"},
        {"title": "Owners", "value": owners},
        {"title": "Downstream owners", "value": downstream},
        {"title": "By", "value": user_name(payload["actor"])},
    ]
    body: list[dict[str, Any]] = [
        {
            "type": "TextBlock",
            "text": headline(message),
            "weight": "Bolder",
            "size": "Medium",
            "wrap": True,
            "color": PRIORITY_COLORS.get(priority, "Default"),
        },
        {"type": "FactSet", "facts": facts},
    ]
    if incident["description"]:
        body.append({"type": "TextBlock", "text": incident["description"], "wrap": True})
    comment = payload["extra"].get("comment")
    if comment:
        body.append({"type": "TextBlock", "text": comment, "wrap": True, "isSubtle": True})
    check = failing_check(payload)
    if check is not None:
        facts.append({"title": "Failing check", "value": check})
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [{"type": "Action.OpenUrl", "title": "Open incident", "url": incident["link"]}],
    }
    entities = owner_entities + downstream_entities
    if entities:
        card["msteams"] = {"entities": entities}
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


class TeamsDestination:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def send(self, message: Message) -> SendResult:
        raw = json.dumps(format_message(message)).encode()
        return await post_json(self._client, message.config["url"], raw)
