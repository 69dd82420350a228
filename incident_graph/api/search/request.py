"""DataHub's search inputs, as searchAcrossEntities and scrollAcrossEntities both take them,
turned into the domain's AssetSearch, the facets asked for, and the answers' parts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from incident_graph import urns
from incident_graph.api.access.types import actor_entity
from incident_graph.api.assets.catalog import platform_entity, tag_entity
from incident_graph.api.assets.types import asset_from_row
from incident_graph.api.entity import Entity
from incident_graph.api.enums import EntityType
from incident_graph.api.filters import FacetFilterInput
from incident_graph.api.scalars import Long
from incident_graph.api.search.inputs import (
    AndFilterInput,
    SearchFlags,
    SearchSortInput,
)
from incident_graph.api.search.types import (
    AggregationMetadata,
    FacetMetadata,
    MatchedField,
    SearchResult,
)
from incident_graph.domain.errors import BadUserInputError, NotFoundError
from incident_graph.domain.search import (
    ACTIVE_INCIDENT_PRIORITIES,
    ACTIVE_INCIDENT_TYPES,
    ENTITY_TYPE,
    HAS_ACTIVE_INCIDENTS,
    HAS_RESOLVED_INCIDENTS,
    NUM_ACTIVE_INCIDENTS,
    OWNERS,
    PLATFORM,
    TAGS,
    AssetSearch,
    RawCriterion,
    build_asset_search,
    build_filter_groups,
    build_sorts,
    facet_values,
    matches_everything,
)
from incident_graph.store.tables import Asset

_FACET_NAMES: Final = {
    HAS_ACTIVE_INCIDENTS: "Has Active Incidents",
    HAS_RESOLVED_INCIDENTS: "Has Resolved Incidents",
    NUM_ACTIVE_INCIDENTS: "Active Incidents",
    ACTIVE_INCIDENT_TYPES: "Active Incident Types",
    ACTIVE_INCIDENT_PRIORITIES: "Active Incident Priorities",
    ENTITY_TYPE: "Type",
    PLATFORM: "Platform",
    OWNERS: "Owners",
    TAGS: "Tags",
}


@dataclass(frozen=True, slots=True)
class Request:
    search: AssetSearch
    # How many values each facet lists; None when no facets are wanted.
    facet_values: int | None
    highlight: bool


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


def _check_view(view_urn: str | None) -> None:
    if view_urn is None:
        return
    if urns.entity_of(view_urn) != "dataHubView":
        raise BadUserInputError(
            f"viewUrn {view_urn!r} is not a View URN (urn:li:dataHubView:<id>)", field="viewUrn"
        )
    raise NotFoundError(
        f"View {view_urn!r} does not exist: this server keeps no DataHub Views; leave viewUrn "
        "out (or null) and put its filters in orFilters",
        field="viewUrn",
    )


def _sorts(sort_input: SearchSortInput | None) -> list[tuple[str, str]]:
    if sort_input is None:
        return []
    # As DataHub reads it: sortCriteria when given, else the older single sortCriterion.
    if sort_input.sort_criteria is not None:
        chosen = sort_input.sort_criteria
    else:
        chosen = [sort_input.sort_criterion] if sort_input.sort_criterion else []
    return [(c.field, c.sort_order.value) for c in chosen]


def build_request(
    *,
    query: str,
    types: list[EntityType] | None,
    or_filters: list[AndFilterInput] | None,
    filters: list[FacetFilterInput] | None,
    sort_input: SearchSortInput | None,
    view_urn: str | None,
    flags: SearchFlags | None,
    facets_selected: bool,
) -> Request:
    """Check everything the caller gave; raises BAD_USER_INPUT (NOT_FOUND for a View)."""
    _check_view(view_urn)
    flags = flags or SearchFlags()
    groups = build_filter_groups(
        [_raw(g.and_ or []) for g in or_filters or []], _raw(filters) if filters else None
    )
    search = build_asset_search(
        text=query,
        entity_types=[t.value for t in types or []],
        groups=groups,
        sorts=build_sorts(_sorts(sort_input)),
        include_soft_deleted=bool(flags.include_soft_deleted),
    )
    limit = facet_values(flags.max_agg_values)
    wanted = facets_selected and not flags.skip_aggregates
    return Request(
        search=search, facet_values=limit if wanted else None, highlight=not flags.skip_highlighting
    )


def _matched(query: str, row: Asset) -> list[MatchedField]:
    if matches_everything(query):
        return []
    needle = query.strip().lower()
    fields = [("name", row.name), ("urn", row.urn)]
    return [MatchedField(name=n, value=v) for n, v in fields if needle in v.lower()]


def results(request: Request, rows: list[Asset]) -> list[SearchResult]:
    return [
        SearchResult(
            entity=asset_from_row(row),
            matched_fields=_matched(request.search.text, row) if request.highlight else [],
        )
        for row in rows
    ]


def _value_entity(field: str, value: str) -> Entity | None:
    if field == OWNERS:
        return actor_entity(value)
    if field == TAGS:
        return tag_entity(value)
    if field == PLATFORM:
        return platform_entity(value)
    return None


def facets(counted: dict[str, dict[str, int]]) -> list[FacetMetadata]:
    return [
        FacetMetadata(
            field=field,
            display_name=_FACET_NAMES.get(field),
            aggregations=[
                AggregationMetadata(value=v, count=Long(n), entity=_value_entity(field, v))
                for v, n in values.items()
            ],
        )
        for field, values in counted.items()
    ]


__all__ = ["Request", "build_request", "facets", "results"]
