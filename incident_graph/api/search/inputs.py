"""Search inputs: DataHub's searchAcrossEntities over assets, our searchIncidents."""

from __future__ import annotations

from enum import Enum
from typing import Final

import strawberry

from incident_graph.api.enums import (
    EntityType,
    IncidentPriority,
    IncidentSortField,
    IncidentSortOrder,
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
)
from incident_graph.api.filters import FacetFilterInput
from incident_graph.api.scalars import Long
from incident_graph.domain.paging import DEFAULT_COUNT

# searchAcrossEntities' page size when `count` is left out (DataHub's).
SEARCH_COUNT: Final = 10


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
    sort_criterion: SortCriterion | None = strawberry.field(
        default=None, deprecation_reason="Use sortCriteria instead."
    )
    sort_criteria: list[SortCriterion] | None = strawberry.field(
        default=None, description="Fields to sort by, in order; used instead of sortCriterion."
    )


@strawberry.input(description="One way to group results (DataHub's GroupingCriterion).")
class GroupingCriterion:
    base_entity_type: EntityType | None = None
    grouping_entity_type: EntityType


@strawberry.input(description="How to group results (DataHub's GroupingSpec).")
class GroupingSpec:
    grouping_criteria: list[GroupingCriterion] | None = None


_NO_EFFECT = "Accepted for DataHub's clients; no effect here."


@strawberry.input(
    description=(
        "DataHub's search flags. maxAggValues, skipAggregates, skipHighlighting and "
        "includeSoftDeleted apply; the others are accepted and change nothing here."
    )
)
class SearchFlags:
    skip_cache: bool | None = strawberry.field(default=None, description=_NO_EFFECT)
    max_agg_values: int | None = strawberry.field(
        default=None, description="How many values each facet lists (0 to 1000; default 20)."
    )
    fulltext: bool | None = strawberry.field(default=None, description=_NO_EFFECT)
    skip_highlighting: bool | None = strawberry.field(
        default=None, description="Leave matchedFields empty."
    )
    skip_aggregates: bool | None = strawberry.field(
        default=None, description="Count no facets (facets is empty)."
    )
    get_suggestions: bool | None = strawberry.field(default=None, description=_NO_EFFECT)
    grouping_spec: GroupingSpec | None = strawberry.field(
        default=None, description="Accepted; nothing here is grouped (no schema fields)."
    )
    include_soft_deleted: bool | None = strawberry.field(
        default=None,
        description=(
            "Include soft-deleted assets (status removed). Also the case when a filter "
            "names the removed field."
        ),
    )
    include_restricted: bool | None = strawberry.field(default=None, description=_NO_EFFECT)
    custom_highlighting_fields: list[str] | None = strawberry.field(
        default=None, description=_NO_EFFECT
    )
    include_structured_property_facets: bool | None = strawberry.field(
        default=None, description=_NO_EFFECT
    )
    filter_non_latest_versions: bool | None = strawberry.field(default=None, description=_NO_EFFECT)
    include_explain: bool | None = strawberry.field(default=None, description=_NO_EFFECT)
    search_type: str | None = strawberry.field(default=None, description=_NO_EFFECT)
    min_score: float | None = strawberry.field(default=None, description=_NO_EFFECT)


_VIEW = (
    "A DataHub View (saved filter) to apply. This server keeps no Views: leave it out or null; "
    "any other value is refused with NOT_FOUND."
)


@strawberry.input(description="A search over data assets.")
class SearchAcrossEntitiesInput:
    query: str
    types: list[EntityType] | None = None
    start: int | None = 0
    count: int | None = SEARCH_COUNT
    or_filters: list[AndFilterInput] | None = strawberry.field(
        default=None, description="OR of AND groups, as DataHub combines them."
    )
    filters: list[FacetFilterInput] | None = strawberry.field(
        default=None, deprecation_reason="Use orFilters instead."
    )
    sort_input: SearchSortInput | None = None
    view_urn: str | None = strawberry.field(default=None, description=_VIEW)
    search_flags: SearchFlags | None = None


@strawberry.input(
    description=(
        "A search over data assets, read page after page: pass each answer's nextScrollId "
        "back as scrollId until it is null."
    )
)
class ScrollAcrossEntitiesInput:
    types: list[EntityType] | None = None
    query: str
    scroll_id: str | None = strawberry.field(
        default=None, description="Where to go on: the last answer's nextScrollId; null first."
    )
    keep_alive: str | None = strawberry.field(
        default=None,
        description="Accepted; a scroll here needs no snapshot kept alive (it pages by keys).",
    )
    count: int | None = strawberry.field(
        default=10,
        description=(
            "Results per page, at least 1; more than 1,000 reads 1,000 (as DataHub caps it)."
        ),
    )
    or_filters: list[AndFilterInput] | None = strawberry.field(
        default=None, description="OR of AND groups, as DataHub combines them."
    )
    view_urn: str | None = strawberry.field(default=None, description=_VIEW)
    search_flags: SearchFlags | None = None
    sort_input: SearchSortInput | None = None


@strawberry.input(description="How to order incidents.")
class IncidentSortInput:
    field: IncidentSortField
    order: IncidentSortOrder = IncidentSortOrder.DESC


@strawberry.input(
    description=(
        "Which incidents to count. Values within a list are alternatives; the lists, the query "
        "and the time window must all hold. Empty or omitted lists do not filter."
    )
)
class IncidentFiltersInput:
    """searchIncidents' filters, which incidentMetrics takes too (by inheritance: one list)."""

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
    lead_urns: list[str] | None = strawberry.field(
        default=None, description="Ours: incidents led by any of these users."
    )
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


@strawberry.input(
    description=(
        "Which incidents to find. Values within a list are alternatives; the lists, the query "
        "and the time window must all hold. Empty or omitted lists do not filter."
    )
)
class SearchIncidentsInput(IncidentFiltersInput):
    sort: IncidentSortInput | None = strawberry.field(
        default=None,
        description=(
            "Omitted: by relevance when there is a query, else newest first. A query with more "
            "matches than the server considers (totalIsLowerBound) lists newest first."
        ),
    )
    start: int | None = 0
    count: int | None = DEFAULT_COUNT
