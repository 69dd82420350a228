"""Root search fields: searchAcrossEntities over assets (DataHub's), searchIncidents (ours)."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Final

import strawberry

from incident_graph import urns
from incident_graph.api.assets.types import asset_from_row
from incident_graph.api.context import Info
from incident_graph.api.incidents.types import Incident
from incident_graph.api.scalars import Long
from incident_graph.api.search.inputs import (
    FacetFilterInput,
    SearchAcrossEntitiesInput,
    SearchIncidentsInput,
)
from incident_graph.api.search.types import (
    AggregationMetadata,
    FacetMetadata,
    IncidentSearchResults,
    MatchedField,
    SearchResult,
    SearchResults,
)
from incident_graph.api.selection import selects
from incident_graph.domain import incident_search as rules
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.paging import page
from incident_graph.domain.search import RawCriterion, build_filter_groups, build_sort
from incident_graph.store import incident_search as incident_search_store
from incident_graph.store import search as search_store

_ASSET_FACET_NAMES: Final = {
    "hasActiveIncidents": "Has Active Incidents",
    "hasResolvedIncidents": "Has Resolved Incidents",
    "activeIncidentTypes": "Active Incident Types",
    "activeIncidentPriorities": "Active Incident Priorities",
    "_entityType": "Type",
    "platform": "Platform",
    "owners": "Owners",
    "tags": "Tags",
}
_INCIDENT_FACET_NAMES: Final = {
    incident_search_store.STATE: "State",
    incident_search_store.STAGE: "Stage",
    incident_search_store.PRIORITY: "Priority",
    incident_search_store.TYPE: "Type",
    incident_search_store.PLATFORM: "Platform",
}


def _raw(criteria: list[FacetFilterInput]) -> list[RawCriterion]:
    return [
        RawCriterion(
            field=c.field,
            value=c.value,
            values=c.values,
            negated=c.negated,
            condition=c.condition.value if c.condition else None,
        )
        for c in criteria
    ]


def _matched(query: str, row_name: str, row_urn: str) -> list[MatchedField]:
    needle = query.strip().lower()
    if not needle or needle == "*":
        return []
    fields = [("name", row_name), ("urn", row_urn)]
    return [MatchedField(name=n, value=v) for n, v in fields if needle in v.lower()]


def _values(items: Sequence[StrEnum] | None) -> list[str] | None:
    return None if items is None else [i.value for i in items]


@strawberry.type
class AssetSearchQueries:
    @strawberry.field(description="Search data assets by text, type and filters.")
    async def search_across_entities(
        self, info: Info, input: SearchAcrossEntitiesInput
    ) -> SearchResults | None:
        window = page(input.start, input.count)
        groups = build_filter_groups(
            [_raw(g.and_ or []) for g in input.or_filters or []],
            _raw(input.filters) if input.filters else None,
        )
        asset_types = [t.value for t in input.types or []]
        unsupported = [t for t in asset_types if t not in urns.ASSET_ENTITY_TYPES.values()]
        if unsupported:
            raise BadUserInputError(
                f"searchAcrossEntities covers data assets; {unsupported[0]} is not one",
                field="types",
            )
        criterion = input.sort_input.sort_criterion if input.sort_input else None
        sort = build_sort(
            criterion.field if criterion else None,
            criterion.sort_order.value if criterion else None,
        )
        async with info.context.db.reading() as session:
            hits = await search_store.search_assets(
                session,
                query=input.query,
                entity_types=asset_types or None,
                groups=groups,
                start=window.start,
                count=window.count,
                sort=sort,
                facets=selects(info, "facets"),
            )
        return SearchResults(
            start=window.start,
            count=len(hits.assets),
            total=hits.total,
            search_results=[
                SearchResult(
                    entity=asset_from_row(a), matched_fields=_matched(input.query, a.name, a.urn)
                )
                for a in hits.assets
            ],
            facets=[
                FacetMetadata(
                    field=field,
                    display_name=_ASSET_FACET_NAMES.get(field),
                    aggregations=[
                        AggregationMetadata(value=v, count=Long(n)) for v, n in counts.items()
                    ],
                )
                for field, counts in hits.facets.items()
            ],
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
                    display_name=_INCIDENT_FACET_NAMES[name],
                    aggregations=[
                        AggregationMetadata(value=v, count=Long(n)) for v, n in counts.items()
                    ],
                )
                for name, counts in hits.facets.items()
            ],
        )
