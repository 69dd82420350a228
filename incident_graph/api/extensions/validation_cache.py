"""Validation results cached by query text, schema and rules.

strawberry's ValidationCache keys an lru_cache by the parsed DocumentNode, and a DocumentNode's
hash walks the whole tree on every request (a raiseIncident spent ~0.3 ms there in the
profile). The document of a given text always comes from ParserCache, so the text is an
equally good key, and a str hashes once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any

from graphql import GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

_Key = tuple[int, str, tuple[Any, ...]]


class _Results:
    """A bounded LRU of validation errors, shared by every request."""

    def __init__(self, maxsize: int) -> None:
        self._maxsize = maxsize
        self._entries: OrderedDict[_Key, list[GraphQLError]] = OrderedDict()

    def errors(
        self, schema: GraphQLSchema, query: str, document: Any, rules: Sequence[Any]
    ) -> list[GraphQLError]:
        key = (id(schema), query, tuple(rules))
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
            return found
        errors = validate_document(schema, document, tuple(rules))
        self._entries[key] = errors
        if len(self._entries) > self._maxsize:
            self._entries.popitem(last=False)
        return errors


_shared: dict[int, _Results] = {}


class TextValidationCache(SchemaExtension):
    """Pass as a factory: `partial(TextValidationCache, maxsize=...)`."""

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self._results = _shared.setdefault(maxsize, _Results(maxsize))

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is None or context.graphql_document is None:
            yield
            return
        context.pre_execution_errors = self._results.errors(
            context.schema._schema,  # noqa: SLF001 - strawberry's own cache reads it too
            context.query,
            context.graphql_document,
            context.validation_rules,
        )
        yield


__all__ = ["TextValidationCache"]
