"""What the audit log is told about a request refused for its credentials: from where, for what.

Only what is cheap to know is used: the body of a refused POST is not read just to name its
operation. What was wrong with the credentials is the check's own answer (auth/credentials.py).
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import parse_qs

from starlette.types import Scope

from incident_graph.auth.credentials import Refused
from incident_graph.auth.refusal_log import GateAttempt

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


def gate_attempt(scope: Scope, refused: Refused, *, operation: str | None = None) -> GateAttempt:
    """The refusal as the refusal log records it; `operation` defaults to the request's."""
    return GateAttempt(
        client=client_of(scope), operation=operation or operation_of(scope), refused=refused
    )
