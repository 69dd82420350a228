"""DataHub's filter inputs, shared by search and the time-series reads (operations, runs)."""

from __future__ import annotations

import strawberry

from incident_graph.api.enums import FilterOperator


@strawberry.input(description="One condition on a field (DataHub's FacetFilterInput).")
class FacetFilterInput:
    field: str
    value: str | None = strawberry.field(default=None, deprecation_reason="Use values instead.")
    values: list[str] | None = None
    negated: bool | None = False
    condition: FilterOperator | None = None


@strawberry.input(description="Conditions that must all hold (DataHub's FilterInput).")
class FilterInput:
    and_: list[FacetFilterInput] | None = strawberry.field(default=None, name="and")

    def criteria(self) -> list[tuple[str, list[str]]]:
        """Each condition's field and values (a single `value` counts as one)."""
        return [
            (c.field, list(c.values or ([] if c.value is None else [c.value])))
            for c in self.and_ or []
        ]


__all__ = ["FacetFilterInput", "FilterInput"]
