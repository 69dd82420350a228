"""Refuse any text holding a NUL character (U+0000), in variables or in the query's own string
literals, before a resolver runs.

PostgreSQL cannot store NUL in text and fails the statement that tries; SQLite stores it. One
check at the edge makes every text input refused alike on both databases, reads included (a
lookup by a URN holding NUL would otherwise fail inside PostgreSQL as an internal error).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import ExecutionResult, GraphQLError, StringValueNode, Visitor, visit
from strawberry.extensions import SchemaExtension

from incident_graph.api.errors import BAD_USER_INPUT
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.text import NUL, refuse_nul


class _FindNul(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: StringValueNode | None = None

    def enter_string_value(self, node: StringValueNode, *_args: Any) -> object:
        if NUL in node.value:
            self.found = node
            return self.BREAK
        return None


def _nul_error(query: str, document: Any, variables: dict[str, Any] | None) -> GraphQLError | None:
    try:
        refuse_nul("$", variables or {})
    except BadUserInputError as refused:
        variable = str(refused.extensions["field"]).removeprefix("$.")
        return GraphQLError(
            f"variable ${variable} contains a NUL character (\\u0000), which cannot be stored; "
            "remove it",
            extensions={"code": BAD_USER_INPUT, "variable": variable},
        )
    # A string value holds NUL only if the text holds one, raw or escaped (\u0000, \u{0}):
    # most queries hold neither, and need no walk of their document.
    if document is not None and (NUL in query or "\\u" in query):
        finder = _FindNul()
        visit(document, finder)
        if finder.found is not None:
            return GraphQLError(
                "a string in the query contains a NUL character (\\u0000), which cannot be "
                "stored; remove it",
                finder.found,
                extensions={"code": BAD_USER_INPUT},
            )
    return None


class RefuseNulText(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        error = _nul_error(ctx.query or "", ctx.graphql_document, ctx.variables)
        if error is not None:
            # A result set before execution stands in for it: no resolver runs.
            ctx.result = ExecutionResult(data=None, errors=[error])
        yield


__all__ = ["RefuseNulText"]
