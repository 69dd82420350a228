"""Search filters in DataHub's shape (OR of AND groups), validated. Pure; no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from incident_graph import urns
from incident_graph.domain.assets import tag_name
from incident_graph.domain.enums import IncidentPriority, IncidentType
from incident_graph.domain.errors import BadUserInputError

HAS_ACTIVE_INCIDENTS: Final = "hasActiveIncidents"
NUM_ACTIVE_INCIDENTS: Final = "numActiveIncidents"
ACTIVE_INCIDENT_TYPES: Final = "activeIncidentTypes"
ACTIVE_INCIDENT_PRIORITIES: Final = "activeIncidentPriorities"
HAS_RESOLVED_INCIDENTS: Final = "hasResolvedIncidents"
ENTITY_TYPE: Final = "_entityType"
PLATFORM: Final = "platform"
OWNERS: Final = "owners"
TAGS: Final = "tags"
KNOWN_FIELDS: Final = (
    HAS_ACTIVE_INCIDENTS,
    NUM_ACTIVE_INCIDENTS,
    ACTIVE_INCIDENT_TYPES,
    ACTIVE_INCIDENT_PRIORITIES,
    HAS_RESOLVED_INCIDENTS,
    ENTITY_TYPE,
    PLATFORM,
    OWNERS,
    TAGS,
)
EQUALITY: Final = ("EQUAL", "IN")
COMPARISONS: Final = (
    "EQUAL",
    "GREATER_THAN",
    "GREATER_THAN_OR_EQUAL_TO",
    "LESS_THAN",
    "LESS_THAN_OR_EQUAL_TO",
)
SORT_FIELDS: Final = ("name", "urn", NUM_ACTIVE_INCIDENTS)
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
    if len(values) != 1 or not values[0].isdigit():
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
    NUM_ACTIVE_INCIDENTS: _count,
    ACTIVE_INCIDENT_TYPES: _one_of(tuple(IncidentType)),
    ACTIVE_INCIDENT_PRIORITIES: _one_of(tuple(IncidentPriority)),
    ENTITY_TYPE: _one_of(tuple(sorted(urns.ASSET_ENTITY_TYPES.values()))),
    PLATFORM: _platforms,
    OWNERS: _actors,
    TAGS: _tags,
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
    return Criterion(
        field=raw.field,
        values=_CHECKS[raw.field](raw.field, values),
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


def build_sort(field: str | None, order: str | None) -> Sort | None:
    """DataHub's sortCriterion: a field and ASCENDING/DESCENDING; None keeps relevance order."""
    if field is None:
        return None
    if field not in SORT_FIELDS:
        raise BadUserInputError(
            f"cannot sort by {field!r}; sortable fields: {', '.join(SORT_FIELDS)}"
        )
    return Sort(field=field, descending=order == "DESCENDING")
