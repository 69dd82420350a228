"""Root search fields: DataHub's searchAcrossEntities and scrollAcrossEntities over assets,
our searchIncidents."""

from __future__ import annotations

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.incidents.types import Incident
from incident_graph.api.scalars import Long
from incident_graph.api.search.incident_criteria import incident_criteria
from incident_graph.api.search.inputs import (
    ScrollAcrossEntitiesInput,
    SearchAcrossEntitiesInput,
    SearchIncidentsInput,
)
from incident_graph.api.search.request import build_request, facets, results
from incident_graph.api.search.types import (
    INCIDENT_FACET_NAMES,
    AggregationMetadata,
    FacetMetadata,
    IncidentSearchResults,
    ScrollResults,
    SearchResults,
)
from incident_graph.api.selection import selects
from incident_graph.domain import incident_search as rules
from incident_graph.domain import scroll
from incident_graph.domain.paging import page
from incident_graph.store import incident_search as incident_search_store
from incident_graph.store import search as search_store


@strawberry.type
class AssetSearchQueries:
    @strawberry.field(description="Search data assets by text, type and filters.")
    async def search_across_entities(
        self, info: Info, input: SearchAcrossEntitiesInput
    ) -> SearchResults | None:
        window = page(input.start, input.count)
        request = build_request(
            query=input.query,
            types=input.types,
            or_filters=input.or_filters,
            filters=input.filters,
            sort_input=input.sort_input,
            view_urn=input.view_urn,
            flags=input.search_flags,
            facets_selected=selects(info, "facets"),
        )
        async with info.context.db.reading() as session:
            hits = await search_store.search_assets(
                session,
                search=request.search,
                start=window.start,
                count=window.count,
                facet_values=request.facet_values,
            )
        return SearchResults(
            start=window.start,
            count=len(hits.assets),
            total=hits.total,
            search_results=results(request, hits.assets),
            facets=facets(hits.facets),
        )

    @strawberry.field(
        description=(
            "Search data assets page after page (DataHub's scroll): each page's nextScrollId "
            "goes back as scrollId until it is null."
        )
    )
    async def scroll_across_entities(
        self, info: Info, input: ScrollAcrossEntitiesInput
    ) -> ScrollResults | None:
        count = scroll.page_size(input.count)
        request = build_request(
            query=input.query,
            types=input.types,
            or_filters=input.or_filters,
            filters=None,
            sort_input=input.sort_input,
            view_urn=input.view_urn,
            flags=input.search_flags,
            facets_selected=selects(info, "facets"),
        )
        keys = request.search.keys
        after = None if input.scroll_id is None else scroll.decode(input.scroll_id, keys)
        async with info.context.db.reading() as session:
            found = await search_store.scroll_assets(
                session,
                search=request.search,
                after=after,
                count=count,
                facet_values=request.facet_values,
            )
        return ScrollResults(
            next_scroll_id=None
            if found.last_keys is None
            else scroll.encode(keys, found.last_keys),
            count=count,
            total=found.total,
            search_results=results(request, found.assets),
            facets=facets(found.facets),
        )


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
        criteria = incident_criteria(input)
        sort = (
            rules.IncidentSort(field=input.sort.field, order=input.sort.order)
            if input.sort
            else None
        )
        async with info.context.db.reading() as session:
            hits = await incident_search_store.search_incidents(
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
                    display_name=INCIDENT_FACET_NAMES[name],
                    aggregations=[
                        AggregationMetadata(value=v, count=Long(n)) for v, n in counts.items()
                    ],
                )
                for name, counts in hits.facets.items()
            ],
        )
