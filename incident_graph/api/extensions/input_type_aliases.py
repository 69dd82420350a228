"""Accept DataHub's older input type names in variable declarations.

DataHub's guide declares `$input: UpdateIncidentStatusInput!` while its current schema (and
ours) types the argument `IncidentStatusInput!`. The two have the same fields, so a query
written either way is rewritten to the current name before validation.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

from graphql import DocumentNode, NamedTypeNode, NameNode, Visitor, visit
from strawberry.extensions import SchemaExtension

ALIASES: Final = {"UpdateIncidentStatusInput": "IncidentStatusInput"}


class _Rename(Visitor):
    def enter_named_type(self, node: NamedTypeNode, *_args: Any) -> NamedTypeNode | None:
        new_name = ALIASES.get(node.name.value)
        if new_name is None:
            return None
        return NamedTypeNode(name=NameNode(value=new_name), loc=node.loc)


class InputTypeAliases(SchemaExtension):
    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        # A cheap text test first: almost no query uses an old name, and those that do not
        # keep their cached document (and so their cached validation).
        if document is not None and any(old in (ctx.query or "") for old in ALIASES):
            rewritten = visit(document, _Rename())
            if isinstance(rewritten, DocumentNode):
                ctx.graphql_document = rewritten
        yield
