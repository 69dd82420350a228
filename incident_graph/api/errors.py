"""Which errors are ours: the codes every refusal carries, and what counts as internal."""

from __future__ import annotations

import logging
from typing import Final

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
