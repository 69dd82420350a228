"""How an outage answers over HTTP: status 503 with Retry-After, so clients and load balancers
back off and retry rather than treat it as a failure of the request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from incident_graph.domain.errors import UnavailableError

# Seconds a client should wait: a restarting database or writer is usually back within this.
RETRY_AFTER_S: Final = 2
STATUS: Final = 503


def retry_after() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_S)}


def answered_unavailable(response_data: Mapping[str, Any] | list[Any]) -> bool:
    """Whether a GraphQL response carries an UNAVAILABLE error (then the request answers 503)."""
    if not isinstance(response_data, Mapping):
        return False
    return any(
        (error.get("extensions") or {}).get("code") == UnavailableError.code
        for error in response_data.get("errors") or ()
    )


__all__ = ["RETRY_AFTER_S", "STATUS", "answered_unavailable", "retry_after"]
