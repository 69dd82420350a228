"""Search filters in DataHub's shape (OR of AND groups), validated. Pure; no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from incident_graph import urns
from incident_graph.domain.assets import tag_name
from incident_graph.domain.enums import IncidentPriority, IncidentType
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.limits import LONG_MAX

HAS_ACTIVE_INCIDENTS: Final = "hasActiveIncidents"
NUM_ACTIVE_INCIDENTS: Final = "numActiveIncidents"
ACTIVE_INCIDENT_TYPES: Final = "activeIncidentTypes"
ACTIVE_INCIDENT_PRIORITIES: Final = "activeIncidentPriorities"
HAS_RESOLVED_INCIDENTS: Final = "hasResolvedIncidents"
# The latest run of one of the asset's checks failed (its ASSERTIONS health entry fails).
HAS_FAILING_ASSERTIONS: Final = "hasFailingAssertions"
ENTITY_TYPE: Final = "_entityType"
PLATFORM: Final = "platform"
OWNERS: Final = "owners"
TAGS: Final = "tags"
# Soft-deleted (DataHub's status.removed). DataHub's SDK and CLI send removed != true with every
# search, and DataHub leaves soft-deleted entities out unless a filter on it says otherwise.
REMOVED: Final = "removed"
# DataHub's keyword subfield of platform, which its SDK and CLI filter on.
PLATFORM_KEYWORD: Final = "platform.keyword"
KNOWN_FIELDS: Final = (
    HAS_ACTIVE_INCIDENTS,
    NUM_ACTIVE_INCIDENTS,
    ACTIVE_INCIDENT_TYPES,
    ACTIVE_INCIDENT_PRIORITIES,
    HAS_RESOLVED_INCIDENTS,
    HAS_FAILING_ASSERTIONS,
    ENTITY_TYPE,
    PLATFORM,
    PLATFORM_KEYWORD,
    OWNERS,
    TAGS,
    REMOVED,
)
_ALIASES: Final = {PLATFORM_KEYWORD: PLATFORM}
EQUALITY: Final = ("EQUAL", "IN")
COMPARISONS: Final = (
    "EQUAL",
    "GREATER_THAN",
    "GREATER_THAN_OR_EQUAL_TO",
    "LESS_THAN",
    "LESS_THAN_OR_EQUAL_TO",
)
SORT_FIELDS: Final = ("name", "urn", NUM_ACTIVE_INCIDENTS)
# Without a sort, a text query orders by how well each asset matched (then by URN).
RELEVANCE: Final = "relevance"
# How many values each facet lists when the caller does not say (DataHub's default too).
DEFAULT_FACET_VALUES: Final = 20
MAX_FACET_VALUES: Final = 1000
_BOOLEANS: Final = ("true", "false")


@dataclass(frozen=True, slots=True)
class Criterion:
    field: str
    values: tuple[str, ...]
    negated: bool = False
    condition: str = "EQUAL"


@dataclass(frozen=True, slots=True)
class RawCriterion:
    field: str
    value: str | None
    values: list[str] | None
    negated: bool | None
    condition: str | None


@dataclass(frozen=True, slots=True)
class Sort:
    field: str
    descending: bool

    @property
    def token(self) -> str:
        """The key as a scroll id names it: the field, "-" first when descending."""
        return f"-{self.field}" if self.descending else self.field


@dataclass(frozen=True, slots=True)
class AssetSearch:
    """One search over assets, checked: the text, types, filters and order the store runs."""

    text: str
    entity_types: tuple[str, ...]  # empty: every asset type
    groups: tuple[tuple[Criterion, ...], ...]
    sorts: tuple[Sort, ...]  # empty: relevance
    hide_removed: bool

    @property
    def keys(self) -> tuple[Sort, ...]:
        """The full order, ending with the URN so that it is total (scrolling relies on it)."""
        if self.sorts:
            first = self.sorts
        elif matches_everything(self.text):
            first = ()
        else:
            first = (Sort(field=RELEVANCE, descending=False),)
        urn_sorted = any(s.field == "urn" for s in first)
        return first if urn_sorted else (*first, Sort(field="urn", descending=False))


def matches_everything(text: str) -> bool:
    """An empty query and "*" match every asset, unranked."""
    return text.strip() in {"", "*"}


def _booleans(field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    lowered = tuple(v.lower() for v in values)
    bad = [v for v in lowered if v not in _BOOLEANS]
    if bad:
        raise BadUserInputError(f'{field} takes "true" or "false", not {bad[0]!r}')
    return lowered


def _one_of(known: tuple[str, ...]) -> Callable[[str, tuple[str, ...]], tuple[str, ...]]:
    def check(field: str, values: tuple[str, ...]) -> tuple[str, ...]:
        upper = tuple(v.upper() for v in values)
        bad = [v for v in upper if v not in known]
        if bad:
            raise BadUserInputError(f"{field} takes {', '.join(known)}, not {bad[0]!r}")
        return upper

    return check


def _count(field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    # ASCII digits only ("²".isdigit() holds), and a number the counter column can compare.
    if (
        len(values) != 1
        or not (values[0].isascii() and values[0].isdigit())
        or int(values[0]) > LONG_MAX
    ):
        raise BadUserInputError(f'{field} takes one whole number, e.g. values: ["2"]')
    return values


def _actors(field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        try:
            urns.parse_actor_urn(value)
        except urns.InvalidUrnError as exc:
            raise BadUserInputError(f"{field}: {exc}") from exc
    return values


def _tags(_field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(tag_name(v) for v in values)


def _platforms(_field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(v.removeprefix("urn:li:dataPlatform:") for v in values)


_CHECKS: Final[dict[str, Callable[[str, tuple[str, ...]], tuple[str, ...]]]] = {
    HAS_ACTIVE_INCIDENTS: _booleans,
    HAS_RESOLVED_INCIDENTS: _booleans,
    HAS_FAILING_ASSERTIONS: _booleans,
    NUM_ACTIVE_INCIDENTS: _count,
    ACTIVE_INCIDENT_TYPES: _one_of(tuple(IncidentType)),
    ACTIVE_INCIDENT_PRIORITIES: _one_of(tuple(IncidentPriority)),
    ENTITY_TYPE: _one_of(tuple(sorted(urns.ASSET_ENTITY_TYPES.values()))),
    PLATFORM: _platforms,
    OWNERS: _actors,
    TAGS: _tags,
    REMOVED: _booleans,
}


def _criterion(raw: RawCriterion) -> Criterion:
    if raw.field not in KNOWN_FIELDS:
        raise BadUserInputError(
            f"unknown filter field {raw.field!r}; known fields: {', '.join(KNOWN_FIELDS)}",
            field="orFilters",
        )
    condition = raw.condition or "EQUAL"  # DataHub's default when none is given
    allowed = COMPARISONS if raw.field == NUM_ACTIVE_INCIDENTS else EQUALITY
    if condition not in allowed:
        raise BadUserInputError(
            f"filter on {raw.field!r} supports conditions {', '.join(allowed)}, not {condition}"
        )
    values = tuple(raw.values or ([] if raw.value is None else [raw.value]))
    if not values:
        raise BadUserInputError(f"filter on {raw.field!r} needs at least one value in values")
    field = _ALIASES.get(raw.field, raw.field)
    return Criterion(
        field=field,
        values=_CHECKS[field](raw.field, values),
        negated=bool(raw.negated),
        condition=condition,
    )


def build_filter_groups(
    or_filters: list[list[RawCriterion]] | None, and_filters: list[RawCriterion] | None
) -> tuple[tuple[Criterion, ...], ...]:
    """OR of AND groups; the deprecated flat `filters` list is one more AND group."""
    groups = [tuple(_criterion(c) for c in group) for group in (or_filters or [])]
    if and_filters:
        and_group = tuple(_criterion(c) for c in and_filters)
        groups = [g + and_group for g in groups] if groups else [and_group]
    return tuple(groups)


def build_sorts(criteria: list[tuple[str, str]]) -> tuple[Sort, ...]:
    """DataHub's sort criteria, in order: each a field and ASCENDING or DESCENDING."""
    sorts: list[Sort] = []
    for field, order in criteria:
        if field not in SORT_FIELDS:
            raise BadUserInputError(
                f"cannot sort by {field!r}; sortable fields: {', '.join(SORT_FIELDS)}"
            )
        if any(s.field == field for s in sorts):
            raise BadUserInputError(f"sort criteria name {field!r} more than once")
        sorts.append(Sort(field=field, descending=order == "DESCENDING"))
    return tuple(sorts)


def build_asset_search(
    *,
    text: str,
    entity_types: list[str],
    groups: tuple[tuple[Criterion, ...], ...],
    sorts: tuple[Sort, ...],
    include_soft_deleted: bool,
) -> AssetSearch:
    """The search to run. As in DataHub, soft-deleted assets are left out unless the caller
    asks for them (includeSoftDeleted) or filters on `removed` itself."""
    unsupported = [t for t in entity_types if t not in urns.ASSET_ENTITY_TYPES.values()]
    if unsupported:
        raise BadUserInputError(
            f"searches cover data assets; {unsupported[0]} is not one", field="types"
        )
    filters_removed = any(c.field == REMOVED for group in groups for c in group)
    return AssetSearch(
        text=text,
        entity_types=tuple(entity_types),
        groups=groups,
        sorts=sorts,
        hide_removed=not (include_soft_deleted or filters_removed),
    )


def facet_values(max_agg_values: int | None) -> int:
    """How many values each facet lists: DataHub's maxAggValues, 20 when not given."""
    if max_agg_values is None:
        return DEFAULT_FACET_VALUES
    if not 0 <= max_agg_values <= MAX_FACET_VALUES:
        raise BadUserInputError(
            f"maxAggValues must be between 0 and {MAX_FACET_VALUES}, got {max_agg_values}",
            field="searchFlags",
        )
    return max_agg_values
