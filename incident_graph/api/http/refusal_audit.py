"""What the request gate (and the websocket's connection_init) tell the audit log about a
request refused for its token.

Kept out of gate.py: the gate only calls `audit_refusal` from its refusal branch. Only what is
cheap to know is used: the body of a refused POST is not read just to name its operation. One
RefusalLog per app, so its bounds hold for HTTP and websockets together.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.types import Scope

from incident_graph.auth.refusal_log import GateAttempt, RefusalLog
from incident_graph.store import Database, Writer

_NAME: Final = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,99}")
_OPERATION: Final = re.compile(r"\b(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)")
# How much of a GET query is searched for an operation name.
_SCAN: Final = 2_000


def operation_of(scope: Scope) -> str:
    """The operation's name when the URL says it (GET), else the method and path."""
    fallback = f"{scope.get('method', 'GET')} {scope.get('path', '')}"
    if scope.get("method") != "GET":
        return fallback
    query_string: bytes = scope.get("query_string", b"")
    params = parse_qs(query_string.decode("latin-1"))
    named = params.get("operationName", [""])[0]
    if _NAME.fullmatch(named):
        return named
    found = _OPERATION.search(params.get("query", [""])[0][:_SCAN])
    return found.group(1)[:100] if found else fallback


def client_of(scope: Scope) -> str:
    client = scope.get("client") or ("unknown", 0)
    return str(client[0])


def attempt_of(scope: Scope) -> GateAttempt:
    scheme, _, secret = Headers(scope=scope).get("authorization", "").partition(" ")
    bearer = secret.strip() if scheme.lower() == "bearer" else ""
    return GateAttempt(
        client=client_of(scope), secret=bearer or None, operation=operation_of(scope)
    )


async def _record(scope: Scope, attempt: GateAttempt) -> None:
    state = scope["app"].state
    refusals: RefusalLog | None = getattr(state, "refusal_log", None)
    if refusals is None:
        db: Database = state.db
        refusals = state.refusal_log = RefusalLog(db=db)
    writer: Writer = state.writer
    await refusals.record(attempt, writer=writer)


async def audit_refusal(scope: Scope) -> None:
    """Record an HTTP request refused with 401 UNAUTHENTICATED (coalesced, rate-limited)."""
    await _record(scope, attempt_of(scope))


async def audit_ws_refusal(scope: Scope, secret: str | None) -> None:
    """Record a websocket whose connection_init carried no valid token."""
    await _record(
        scope,
        GateAttempt(client=client_of(scope), secret=secret, operation="websocket /api/graphql"),
    )
