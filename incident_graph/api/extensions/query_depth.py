"""Refuse queries nested deeper than the configured depth (INCIDENT_GRAPH_MAX_QUERY_DEPTH).

strawberry's QueryDepthLimiter builds a new rule class per instance; as a per-request factory
that would give ValidationCache (keyed by the rule classes) a new key every request. So the
rule is built once per limit value and each request's extension reuses it.
"""

from __future__ import annotations

from functools import cache

from graphql import ValidationRule
from strawberry.extensions import AddValidationRules
from strawberry.extensions.query_depth_limiter import create_validator

from incident_graph.api.extensions.limit_rule import limit_rule


@cache
def _rule(max_depth: int) -> type[ValidationRule]:
    return limit_rule(
        create_validator(max_depth, should_ignore=None),
        name="depth",
        limit=max_depth,
        setting="MAX_QUERY_DEPTH",
        hint="select fewer nested levels, or split it into several queries",
    )


class QueryDepthLimit(AddValidationRules):
    """Introspection fields (`__schema`, `__type`) do not count, as in strawberry's limiter."""

    def __init__(self, max_depth: int) -> None:
        super().__init__([_rule(max_depth)])


__all__ = ["QueryDepthLimit"]
