"""Refuse documents with more aliases than configured (INCIDENT_GRAPH_MAX_ALIASES).

Aliases let one request run the same field many times; the limit stops a single request
from multiplying its own cost. The rule is built once per limit value (see query_depth.py).
"""

from __future__ import annotations

from functools import cache

from graphql import ValidationRule
from strawberry.extensions import AddValidationRules
from strawberry.extensions.max_aliases import create_validator

from incident_graph.api.extensions.limit_rule import limit_rule


@cache
def _rule(max_aliases: int) -> type[ValidationRule]:
    return limit_rule(
        create_validator(max_aliases),
        name="aliases",
        limit=max_aliases,
        setting="MAX_ALIASES",
        hint="ask for each field fewer times, or split the query",
    )


class MaxAliasesLimit(AddValidationRules):
    def __init__(self, max_aliases: int) -> None:
        super().__init__([_rule(max_aliases)])


__all__ = ["MaxAliasesLimit"]
