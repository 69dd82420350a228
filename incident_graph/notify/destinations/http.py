"""POSTing a JSON body: the transport the webhook, Slack and Teams destinations share."""

from __future__ import annotations

import httpx

from incident_graph.notify.destinations.base import SendResult
from incident_graph.notify.egress import blocked_reason

# Enough of a refusal's body to say why, not enough to flood the attempt log.
ERROR_BODY_CHARS = 300


async def post_json(
    client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str] | None = None
) -> SendResult:
    """Any 2xx is accepted; everything else (status, timeout, refused connection) is a failure."""
    try:
        response = await client.post(
            url, content=body, headers={"Content-Type": "application/json"} | (headers or {})
        )
    except httpx.HTTPError as exc:
        blocked = blocked_reason(exc)
        if blocked is not None:
            return SendResult(ok=False, error=blocked, permanent=True)
        return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:ERROR_BODY_CHARS])
    if response.is_success:
        return SendResult(ok=True, http_status=response.status_code)
    return SendResult(
        ok=False,
        http_status=response.status_code,
        error=f"HTTP {response.status_code}: {response.text[:ERROR_BODY_CHARS]}",
    )
