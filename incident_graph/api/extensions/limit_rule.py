"""Turn a limit's validation errors into refusals that say which setting to change.

strawberry's limiters report bare messages; ours carry `extensions.code` BAD_USER_INPUT, the
limit that was hit and the environment variable that sets it, so clients and operators can
act on the refusal without reading server code.
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    NameNode,
    SelectionSetNode,
    TypeInfo,
    ValidationContext,
    ValidationRule,
    Visitor,
    visit,
)

from incident_graph.api.errors import BAD_USER_INPUT


class _FillEmptySelections(Visitor):
    """graphql-core accepts empty selection sets (`... on T {}`; DataHub's clients send them
    when they strip the fields a server lacks), strawberry's limiters fail on them: give each
    a `__typename`, which neither limiter counts, so they measure the same document."""

    def leave_selection_set(
        self, node: SelectionSetNode, *_args: object
    ) -> SelectionSetNode | None:
        if node.selections:
            return None
        return SelectionSetNode(selections=(FieldNode(name=NameNode(value="__typename")),))


def _countable(document: DocumentNode) -> DocumentNode:
    counted: DocumentNode = visit(document, _FillEmptySelections())
    return counted


def limit_rule(
    inner: type[ValidationRule], *, name: str, limit: int, setting: str, hint: str
) -> type[ValidationRule]:
    """Wrap `inner` so each error it reports is re-reported as a clear, coded refusal."""

    class LimitRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)

            def refuse(error: GraphQLError) -> None:
                context.report_error(
                    GraphQLError(
                        f"{error.message}: {hint} (the {name} limit is {limit}, "
                        f"set by INCIDENT_GRAPH_{setting})",
                        error.nodes,
                        extensions={"code": BAD_USER_INPUT, "limit": name},
                    )
                )

            # A private context, so the inner rule's bare errors go through `refuse` only.
            document = _countable(context.document)
            private = ValidationContext(context.schema, document, TypeInfo(context.schema), refuse)
            self.unchecked = False
            try:
                visit(document, inner(private))
            except Exception:  # noqa: BLE001 - fail closed, see leave_document
                # strawberry's limiters assume a valid document (an unknown fragment is a
                # KeyError there); graphql-core's own rules will name the real mistake.
                self.unchecked = True

        def leave_document(self, *_args: object) -> None:
            # Reported last, after the errors that explain why the check could not run.
            if self.unchecked:
                self.report_error(
                    GraphQLError(
                        f"the {name} limit could not be checked: fix the other errors first",
                        extensions={"code": BAD_USER_INPUT, "limit": name},
                    )
                )

    LimitRule.__name__ = f"{inner.__name__}Refusal"
    return LimitRule


__all__ = ["limit_rule"]
