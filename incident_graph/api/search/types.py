"""Search results: DataHub's SearchResults of assets, our page of incidents, facets."""

from __future__ import annotations

from typing import Final

import strawberry

from incident_graph.api.entity import Entity
from incident_graph.api.incidents.types import Incident
from incident_graph.api.scalars import Long
from incident_graph.store import incident_search as incident_search_store

# searchIncidents' facets, in the order they are answered, with the names they show.
INCIDENT_FACET_NAMES: Final = {
    incident_search_store.STATE: "State",
    incident_search_store.STAGE: "Stage",
    incident_search_store.PRIORITY: "Priority",
    incident_search_store.TYPE: "Type",
    incident_search_store.PLATFORM: "Platform",
}


@strawberry.type(description="A field of the entity the query matched.")
class MatchedField:
    name: str
    value: str


@strawberry.type(description="A named value shown with a search result (DataHub's).")
class ExtraProperty:
    name: str
    value: str


@strawberry.type
class SearchResult:
    entity: Entity
    matched_fields: list[MatchedField]
    extra_properties: list[ExtraProperty] | None = strawberry.field(
        default_factory=list,
        description="Always empty here: no extra fields are fetched (fetchExtraFields).",
    )


@strawberry.type(description="A facet value and how many results carry it.")
class AggregationMetadata:
    value: str
    count: Long
    entity: Entity | None = strawberry.field(
        default=None, description="The owner, tag or platform the value names; else null."
    )
    display_name: str | None = strawberry.field(
        default=None, description="Always null here: values show as they are."
    )


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


@strawberry.type(description="A page of a scroll through search results.")
class ScrollResults:
    next_scroll_id: str | None = strawberry.field(
        description="Pass it as scrollId for the next page; null when this page is the last."
    )
    count: int = strawberry.field(
        description="The page size used (as DataHub answers it), not how many came back."
    )
    total: int
    search_results: list[SearchResult]
    facets: list[FacetMetadata] | None


@strawberry.type(
    description=(
        "A page of incidents and facet counts. A search considers at most "
        "INCIDENT_GRAPH_INCIDENT_SEARCH_MAX_MATCHES matches (default 1,000), the most recently "
        "raised: total, facets, sort, relevance and paging all describe those. When more "
        "match, totalIsLowerBound is true; narrow the filters (or createdBefore) to reach "
        "older ones."
    )
)
class IncidentSearchResults:
    start: int
    count: int
    total: int = strawberry.field(
        description=(
            "Matching incidents, counted up to the server's limit (as DataHub caps its totals "
            "at 10,000); when more match, it is the limit and totalIsLowerBound is true."
        )
    )
    total_is_lower_bound: bool = strawberry.field(
        description="More incidents match than total: the most recently raised were considered."
    )
    incidents: list[Incident]
    facets: list[FacetMetadata] = strawberry.field(
        description="Counts over the matches counted in total (all of them when it is exact)."
    )
