"""Root query fields."""

from __future__ import annotations

import strawberry

from incident_graph import urns
from incident_graph.api.assets.types import (
    Chart,
    Dashboard,
    DataAsset,
    DataFlow,
    DataJob,
    Dataset,
    asset_from_row,
)
from incident_graph.api.context import Info
from incident_graph.api.entity import Entity
from incident_graph.api.incidents.types import Incident
from incident_graph.api.scalars import Long
from incident_graph.api.search.types import (
    AggregationMetadata,
    FacetFilterInput,
    FacetMetadata,
    MatchedField,
    SearchAcrossEntitiesInput,
    SearchResult,
    SearchResults,
)
from incident_graph.api.selection import selects
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.paging import page
from incident_graph.domain.search import RawCriterion, build_filter_groups, build_sort
from incident_graph.store import search as search_store

_FACET_NAMES = {
    "hasActiveIncidents": "Has Active Incidents",
    "hasResolvedIncidents": "Has Resolved Incidents",
    "activeIncidentTypes": "Active Incident Types",
    "activeIncidentPriorities": "Active Incident Priorities",
    "_entityType": "Type",
    "platform": "Platform",
    "owners": "Owners",
    "tags": "Tags",
}


async def _asset(info: Info, urn: str, entity: str) -> DataAsset | None:
    try:
        parsed = urns.parse_asset_urn(urn)
    except urns.InvalidUrnError as exc:
        raise BadUserInputError(str(exc), field="urn") from exc
    if parsed.entity != entity:
        raise BadUserInputError(
            f"{urn!r} is a {parsed.entity} URN; query it with {parsed.entity}(urn: ...)",
            field="urn",
        )
    row = await info.context.loaders.asset_by_urn.load(urn)
    return None if row is None else asset_from_row(row)


async def _incident(info: Info, urn: str) -> Incident | None:
    row = await info.context.loaders.incident_by_urn.load(urn)
    return None if row is None else Incident.from_row(row)


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


@strawberry.type
class IncidentQueries:
    @strawberry.field(description="A dataset by URN; null when no incident has named it.")
    async def dataset(self, info: Info, urn: str) -> Dataset | None:
        return await _asset(info, urn, "dataset")  # type: ignore[return-value]

    @strawberry.field(description="A dashboard by URN; null when unknown.")
    async def dashboard(self, info: Info, urn: str) -> Dashboard | None:
        return await _asset(info, urn, "dashboard")  # type: ignore[return-value]

    @strawberry.field(description="A chart by URN; null when unknown.")
    async def chart(self, info: Info, urn: str) -> Chart | None:
        return await _asset(info, urn, "chart")  # type: ignore[return-value]

    @strawberry.field(description="A data flow (pipeline) by URN; null when unknown.")
    async def data_flow(self, info: Info, urn: str) -> DataFlow | None:
        return await _asset(info, urn, "dataFlow")  # type: ignore[return-value]

    @strawberry.field(description="A data job (task) by URN; null when unknown.")
    async def data_job(self, info: Info, urn: str) -> DataJob | None:
        return await _asset(info, urn, "dataJob")  # type: ignore[return-value]

    @strawberry.field(description="An incident by URN; null when unknown.")
    async def incident(self, info: Info, urn: str) -> Incident | None:
        return await _incident(info, urn)

    @strawberry.field(description="Any known entity (asset or incident) by URN.")
    async def entity(self, info: Info, urn: str) -> Entity | None:
        kind = urns.entity_of(urn)
        if kind == "incident":
            return await _incident(info, urn)
        if kind in urns.ASSET_ENTITY_TYPES:
            return await _asset(info, urn, kind)
        raise BadUserInputError(
            f"{urn!r} is not an asset or incident URN (urn:li:dataset:..., urn:li:incident:...)",
            field="urn",
        )

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
                    display_name=_FACET_NAMES.get(field),
                    aggregations=[
                        AggregationMetadata(value=v, count=Long(n)) for v, n in counts.items()
                    ],
                )
                for field, counts in hits.facets.items()
            ],
        )
