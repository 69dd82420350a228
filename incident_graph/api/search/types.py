"""DataHub's searchAcrossEntities input and result shapes."""

from __future__ import annotations

from enum import Enum

import strawberry

from incident_graph.api.entity import Entity
from incident_graph.api.enums import EntityType, FilterOperator
from incident_graph.api.scalars import Long


@strawberry.input(description="One condition on a field (DataHub's FacetFilterInput).")
class FacetFilterInput:
    field: str
    value: str | None = strawberry.field(default=None, deprecation_reason="Use values instead.")
    values: list[str] | None = None
    negated: bool | None = False
    condition: FilterOperator | None = None


@strawberry.input(description="Conditions that must all hold.")
class AndFilterInput:
    and_: list[FacetFilterInput] | None = strawberry.field(default=None, name="and")


@strawberry.enum
class SortOrder(Enum):
    ASCENDING = "ASCENDING"
    DESCENDING = "DESCENDING"


@strawberry.input(description="Sort by a field: name, urn or numActiveIncidents.")
class SortCriterion:
    field: str
    sort_order: SortOrder = SortOrder.ASCENDING


@strawberry.input(description="How to order search results (relevance when omitted).")
class SearchSortInput:
    sort_criterion: SortCriterion | None = None


@strawberry.input(description="A search over data assets.")
class SearchAcrossEntitiesInput:
    query: str
    types: list[EntityType] | None = None
    start: int | None = 0
    count: int | None = 10
    or_filters: list[AndFilterInput] | None = strawberry.field(
        default=None, description="OR of AND groups, as DataHub combines them."
    )
    filters: list[FacetFilterInput] | None = strawberry.field(
        default=None, deprecation_reason="Use orFilters instead."
    )
    sort_input: SearchSortInput | None = None


@strawberry.type(description="A field of the entity the query matched.")
class MatchedField:
    name: str
    value: str


@strawberry.type
class SearchResult:
    entity: Entity
    matched_fields: list[MatchedField]


@strawberry.type(description="A facet value and how many results carry it.")
class AggregationMetadata:
    value: str
    count: Long


@strawberry.type
class FacetMetadata:
    field: str
    display_name: str | None
    aggregations: list[AggregationMetadata]


@strawberry.type
class SearchResults:
    start: int
    count: int
    total: int
    search_results: list[SearchResult]
    facets: list[FacetMetadata] | None
