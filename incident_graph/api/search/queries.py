"""Root field searchIncidents: every incident in the organisation, filtered and faceted."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Final

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.enums import (
    IncidentPriority,
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
)
from incident_graph.api.incidents.types import Incident
from incident_graph.api.scalars import Long
from incident_graph.api.search.types import AggregationMetadata, FacetMetadata
from incident_graph.api.selection import selects
from incident_graph.domain import incident_search as rules
from incident_graph.domain.incident_search import IncidentSortField, IncidentSortOrder
from incident_graph.domain.paging import DEFAULT_COUNT, page
from incident_graph.store import incident_search as search_store

strawberry.enum(IncidentSortField, description="What searchIncidents orders by.")
strawberry.enum(IncidentSortOrder, description="Ascending or descending.")

_FACET_NAMES: Final = {
    search_store.STATE: "State",
    search_store.STAGE: "Stage",
    search_store.PRIORITY: "Priority",
    search_store.TYPE: "Type",
    search_store.PLATFORM: "Platform",
}


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


def _values(items: Sequence[StrEnum] | None) -> list[str] | None:
    return None if items is None else [i.value for i in items]


@strawberry.type
class IncidentSearchQueries:
    @strawberry.field(
        description=(
            "Ours: incidents across the organisation by text, state, stage, priority, type, "
            "source, people, assets, platforms, owners and creation time; with facets."
        )
    )
    async def search_incidents(
        self, info: Info, input: SearchIncidentsInput
    ) -> IncidentSearchResults:
        window = page(input.start, input.count)
        criteria = rules.criteria(
            query=input.query,
            states=_values(input.states),
            stages=_values(input.stages),
            priorities=_values(input.priorities),
            types=_values(input.types),
            source_types=_values(input.source_types),
            assignees=input.assignee_urns,
            creators=input.creator_urns,
            resources=input.resource_urns,
            platforms=input.platforms,
            owners=input.owner_urns,
            created_after=input.created_after,
            created_before=input.created_before,
        )
        sort = (
            rules.IncidentSort(field=input.sort.field, order=input.sort.order)
            if input.sort
            else None
        )
        async with info.context.db.reading() as session:
            hits = await search_store.search_incidents(
                session,
                criteria=criteria,
                sort=sort,
                start=window.start,
                count=window.count,
                max_matches=info.context.settings.incident_search_max_matches,
                facets=selects(info, "facets"),
            )
        return IncidentSearchResults(
            start=window.start,
            count=len(hits.incidents),
            total=hits.total,
            total_is_lower_bound=hits.capped,
            incidents=[Incident.from_row(r) for r in hits.incidents],
            facets=[
                FacetMetadata(
                    field=name,
                    display_name=_FACET_NAMES[name],
                    aggregations=[
                        AggregationMetadata(value=v, count=Long(n)) for v, n in counts.items()
                    ],
                )
                for name, counts in hits.facets.items()
            ],
        )
