"""Search filters in DataHub's shape (OR of AND groups), validated. Pure; no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from incident_graph.domain.errors import BadUserInputError
from incident_graph.urns import ASSET_ENTITY_TYPES

HAS_ACTIVE_INCIDENTS: Final = "hasActiveIncidents"
ENTITY_TYPE: Final = "_entityType"
PLATFORM: Final = "platform"
KNOWN_FIELDS: Final = (HAS_ACTIVE_INCIDENTS, ENTITY_TYPE, PLATFORM)
_EQUALITY: Final = (None, "EQUAL", "IN")
_BOOLEANS: Final = ("true", "false")


@dataclass(frozen=True, slots=True)
class Criterion:
    field: str
    values: tuple[str, ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class RawCriterion:
    field: str
    value: str | None
    values: list[str] | None
    negated: bool | None
    condition: str | None


def _criterion(raw: RawCriterion) -> Criterion:
    if raw.field not in KNOWN_FIELDS:
        raise BadUserInputError(
            f"unknown filter field {raw.field!r}; known fields: {', '.join(KNOWN_FIELDS)}",
            field="orFilters",
        )
    if raw.condition not in _EQUALITY:
        raise BadUserInputError(
            f"filter on {raw.field!r} supports conditions EQUAL and IN, not {raw.condition}"
        )
    values = tuple(raw.values or ([] if raw.value is None else [raw.value]))
    if not values:
        raise BadUserInputError(f"filter on {raw.field!r} needs at least one value in values")
    if raw.field == HAS_ACTIVE_INCIDENTS:
        bad = [v for v in values if v.lower() not in _BOOLEANS]
        if bad:
            raise BadUserInputError(f'hasActiveIncidents takes "true" or "false", not {bad[0]!r}')
        values = tuple(v.lower() for v in values)
    if raw.field == ENTITY_TYPE:
        known = set(ASSET_ENTITY_TYPES.values())
        bad = [v for v in values if v.upper() not in known]
        if bad:
            raise BadUserInputError(f"_entityType takes {', '.join(sorted(known))}, not {bad[0]!r}")
        values = tuple(v.upper() for v in values)
    if raw.field == PLATFORM:
        values = tuple(v.removeprefix("urn:li:dataPlatform:") for v in values)
    return Criterion(field=raw.field, values=values, negated=bool(raw.negated))


def build_filter_groups(
    or_filters: list[list[RawCriterion]] | None, and_filters: list[RawCriterion] | None
) -> tuple[tuple[Criterion, ...], ...]:
    """OR of AND groups; the deprecated flat `filters` list is one more AND group."""
    groups = [tuple(_criterion(c) for c in group) for group in (or_filters or [])]
    if and_filters:
        and_group = tuple(_criterion(c) for c in and_filters)
        groups = [g + and_group for g in groups] if groups else [and_group]
    return tuple(g for g in groups)
