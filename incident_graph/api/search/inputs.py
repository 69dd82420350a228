"""Search inputs: DataHub's searchAcrossEntities over assets, our searchIncidents."""

from __future__ import annotations

from enum import Enum

import strawberry

from incident_graph.api.enums import (
    EntityType,
    FilterOperator,
    IncidentPriority,
    IncidentSortField,
    IncidentSortOrder,
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
)
from incident_graph.api.scalars import Long
from incident_graph.domain.paging import DEFAULT_COUNT


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


@strawberry.input(description="How to order incidents.")
class IncidentSortInput:
    field: IncidentSortField
    order: IncidentSortOrder = IncidentSortOrder.DESC


@strawberry.input(
    description=(
        "Which incidents to find. Values within a list are alternatives; the lists, the query "
        "and the time window must all hold. Empty or omitted lists do not filter."
    )
)
class SearchIncidentsInput:
    query: str | None = strawberry.field(
        default=None,
        description=(
            "Words that must all appear in the title, description or resolution note (stemmed, "
            "English stopwords ignored); empty or * matches every incident."
        ),
    )
    states: list[IncidentState] | None = None
    stages: list[IncidentStage] | None = None
    priorities: list[IncidentPriority] | None = None
    types: list[IncidentType] | None = None
    source_types: list[IncidentSourceType] | None = None
    assignee_urns: list[str] | None = None
    creator_urns: list[str] | None = None
    resource_urns: list[str] | None = strawberry.field(
        default=None, description="Incidents raised on any of these assets."
    )
    platforms: list[str] | None = strawberry.field(
        default=None, description="Names (snowflake) or urn:li:dataPlatform:<name>."
    )
    owner_urns: list[str] | None = strawberry.field(
        default=None, description="Incidents on assets any of these users or groups own."
    )
    created_after: Long | None = strawberry.field(
        default=None, description="Raised at or after this time (epoch ms)."
    )
    created_before: Long | None = strawberry.field(
        default=None, description="Raised at or before this time (epoch ms)."
    )
    sort: IncidentSortInput | None = strawberry.field(
        default=None,
        description=(
            "Omitted: by relevance when there is a query, else newest first. A query with more "
            "matches than the server considers (totalIsLowerBound) lists newest first."
        ),
    )
    start: int | None = 0
    count: int | None = DEFAULT_COUNT
