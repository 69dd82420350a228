"""How errors reach clients: a stable `extensions.code`, internal details masked."""

from __future__ import annotations

import logging
from typing import Any, Final

from graphql import GraphQLError

from incident_graph.domain.errors import DomainError

log = logging.getLogger("incident_graph.api")

BAD_USER_INPUT: Final = "BAD_USER_INPUT"
INTERNAL: Final = "INTERNAL"


def is_internal(error: GraphQLError) -> bool:
    """An unexpected failure inside a resolver (as opposed to a refusal or bad request)."""
    original = error.original_error
    if isinstance(original, DomainError):
        return False
    if error.extensions and "code" in error.extensions:
        return False
    # graphql-core's own argument coercion ("Expected variable ... not to be None") wraps a
    # GraphQLError: the request was bad, even though it failed at a field with a path.
    if isinstance(original, GraphQLError):
        return False
    # No path: the request itself was bad (syntax, validation, variable coercion).
    return original is not None and error.path is not None


def format_error(error: GraphQLError, request_id: str) -> dict[str, Any]:
    original = error.original_error
    out: dict[str, Any] = {"message": error.message}
    extensions: dict[str, Any] = dict(error.extensions or {})
    if isinstance(original, DomainError):
        out["message"] = original.message
        extensions.update(original.extensions)
        extensions["code"] = original.code
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
