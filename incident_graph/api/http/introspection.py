"""Recognise a GraphQL document that only asks about the schema itself.

Used by the request gate: with INCIDENT_GRAPH_PUBLIC_INTROSPECTION on (the default), such a
document runs without a token, so GraphiQL and code generators can load the schema.
"""

from __future__ import annotations

from typing import Final

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse

INTROSPECTION_FIELDS: Final = frozenset({"__schema", "__type", "__typename"})


def is_introspection_only(query: str, *, max_tokens: int) -> bool:
    """True when every operation in `query` is a query selecting only introspection fields."""
    try:
        document = parse(query, max_tokens=max_tokens, no_location=True)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and all(
        operation.operation is OperationType.QUERY
        and all(
            isinstance(selection, FieldNode) and selection.name.value in INTROSPECTION_FIELDS
            for selection in operation.selection_set.selections
        )
        for operation in operations
    )


__all__ = ["is_introspection_only"]
