"""Slack incoming webhook: a Block Kit message with priority, asset, owners as mentions, link."""

from __future__ import annotations

import json
from typing import Any

import httpx

from incident_graph.domain.events import Notification
from incident_graph.notify.destinations.base import (
    Message,
    SendResult,
    failing_check,
    headline,
    status_text,
    user_name,
)
from incident_graph.notify.destinations.http import post_json

PRIORITY_MARKS = {"CRITICAL": ":red_circle:", "HIGH": ":large_orange_circle:"}
PRIORITY_MARKS |= {"MEDIUM": ":large_yellow_circle:", "LOW": ":large_blue_circle:"}


def mention(urn: str, member_ids: dict[str, str]) -> str:
    """A real Slack mention when the channel maps the user to a member id, else @name."""
    member = member_ids.get(urn)
    return f"<@{member}>" if member else f"@{user_name(urn)}"


def _asset_line(notification: Notification) -> str:
    asset = notification["asset"]
    if not asset:
        return "-"
    platform = f" ({asset['platform']})" if asset["platform"] else ""
    return f"`{asset['name']}`{platform}"


def format_message(message: Message) -> dict[str, Any]:
    """The Block Kit payload for one event (Slack's JSON, built as it is sent)."""
    payload = message.payload
    incident = payload["incident"]
    members = message.config.get("member_ids", {})
    priority = incident["priority"] or "NONE"
    owners = [mention(o, members) for o in payload["owners"]]
    downstream = [mention(d["owner"], members) for d in payload["downstreamOwners"]]
    fields = [
        {"type": "mrkdwn", "text": f"*Priority*\n{PRIORITY_MARKS.get(priority, '')} {priority}"},
        {"type": "mrkdwn", "text": f"*Status*\n{status_text(incident)}"},
        {"type": "mrkdwn", "text": f"*Asset*\n{_asset_line(payload)}"},
        {"type": "mrkdwn", "text": f"*Type*\n{incident['type']}"},
    ]
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": headline(message)[:150]}},
        {"type": "section", "fields": fields},
    ]
    if incident["description"]:
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": incident["description"][:2900]}}
        )
    comment = payload["extra"].get("comment")
    if comment:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f">{comment[:2900]}"}})
    check = failing_check(payload)
    if check is not None:
        url = payload["extra"]["checkResult"]["url"]
        text = f"*Failing check*: {check}" + (f" <{url}|run>" if url else "")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}})
    people = [f"*Owners*: {' '.join(owners) if owners else 'none'}"]
    if downstream:
        people.append(f"*Downstream owners*: {' '.join(dict.fromkeys(downstream))}")
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(people)}})
    blocks.append(
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": f"by {mention(payload['actor'], members)}"},
                {"type": "mrkdwn", "text": incident["urn"]},
            ],
        }
    )
    blocks.append(
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": "Open incident"},
                    "url": incident["link"],
                }
            ],
        }
    )
    return {"text": f"{headline(message)} ({priority})", "blocks": blocks}


class SlackDestination:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def send(self, message: Message) -> SendResult:
        raw = json.dumps(format_message(message)).encode()
        return await post_json(self._client, message.config["url"], raw)
