"""How errors reach HTTP clients: a stable `extensions.code`, internal details masked."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from incident_graph.api.errors import BAD_USER_INPUT, INTERNAL, is_internal
from incident_graph.domain.errors import DomainError, UnavailableError


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    original = error.original_error
    out: dict[str, Any] = {"message": error.message}
    extensions: dict[str, Any] = dict(error.extensions or {})
    if isinstance(original, DomainError):
        out["message"] = original.message
        extensions.update(original.extensions)
        extensions["code"] = original.code
        if isinstance(original, UnavailableError):
            # An outage is worth reporting: the id finds the server's log lines.
            extensions["requestId"] = request_id
    elif is_internal(error):
        out["message"] = f"Internal server error; quote request id {request_id} when reporting it"
        extensions = {"code": INTERNAL, "requestId": request_id}
    elif "code" not in extensions:
        extensions["code"] = BAD_USER_INPUT
    if error.locations:
        out["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        out["path"] = list(error.path)
    out["extensions"] = extensions
    return out


def graphql_error_body(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    """A GraphQL-shaped error body for refusals made before GraphQL runs (HTTP 400/401/413)."""
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}
