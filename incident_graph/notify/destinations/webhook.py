"""Generic webhook: the event as JSON, signed with HMAC-SHA256 over `timestamp.body`.

Receivers check `X-Incident-Graph-Signature: sha256=<hex>` against
hmac(secret, f"{X-Incident-Graph-Timestamp}.".encode() + body, sha256) and reject old
timestamps; the README has the snippet.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import TypedDict

import httpx

from incident_graph.domain.events import AssetRef, DownstreamOwner, EventExtra, LinkedIncident
from incident_graph.domain.notifications import SODA_EVENT_NAMES
from incident_graph.notify.destinations.base import Message, SendResult
from incident_graph.notify.destinations.http import post_json

TIMESTAMP_HEADER = "X-Incident-Graph-Timestamp"
SIGNATURE_HEADER = "X-Incident-Graph-Signature"
DELIVERY_HEADER = "X-Incident-Graph-Delivery"
EVENT_HEADER = "X-Incident-Graph-Event"


class WebhookBody(TypedDict):
    """The JSON a webhook receives (documented in the README); keys are sent sorted."""

    event: str
    eventType: str
    eventId: int
    deliveryId: int
    # The delivery's recipients, not the event's: on-call people are looked up at send time.
    recipients: list[str]
    time: int
    actor: str
    incident: LinkedIncident
    assets: list[AssetRef]
    asset: AssetRef | None
    owners: list[str]
    downstreamOwners: list[DownstreamOwner]
    subscribers: list[str]
    details: EventExtra


def body(message: Message) -> WebhookBody:
    """The event, under Soda's event name when the channel asks for it, and ids to
    deduplicate retries by."""
    event = SODA_EVENT_NAMES[message.kind] if message.soda_event_names else message.kind.value
    notification = message.payload
    return WebhookBody(
        event=event,
        eventType=message.kind.value,
        eventId=message.event_id,
        deliveryId=message.delivery_id,
        recipients=list(message.recipients),
        time=notification["time"],
        actor=notification["actor"],
        incident=notification["incident"],
        assets=notification["assets"],
        asset=notification["asset"],
        owners=notification["owners"],
        downstreamOwners=notification["downstreamOwners"],
        subscribers=notification["subscribers"],
        details=notification["extra"],
    )


def sign(secret: str, timestamp: str, raw: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + raw, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def encode(message: Message, *, now_s: int | None = None) -> tuple[bytes, dict[str, str]]:
    """The exact bytes sent and the headers, signature included when the channel has a secret."""
    raw = json.dumps(body(message), separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()) if now_s is None else now_s)
    headers = {
        TIMESTAMP_HEADER: timestamp,
        DELIVERY_HEADER: str(message.delivery_id),
        EVENT_HEADER: message.kind.value,
    }
    secret = message.config.get("secret")
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, raw)
    return raw, headers


class WebhookDestination:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def send(self, message: Message) -> SendResult:
        raw, headers = encode(message)
        return await post_json(self._client, message.config["url"], raw, headers)
