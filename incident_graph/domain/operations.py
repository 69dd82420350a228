"""Operations on assets (DataHub's `operation` aspect): validation and filters. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from incident_graph import urns
from incident_graph.domain import limits
from incident_graph.domain.errors import BadUserInputError

MAX_PROPERTIES: Final = 100
MAX_TEXT: Final = limits.PARTITION
MAX_LIMIT: Final = 1000
DEFAULT_LIMIT: Final = 100


class OperationType(StrEnum):
    """DataHub's OperationType."""

    INSERT = "INSERT"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    CREATE = "CREATE"
    ALTER = "ALTER"
    DROP = "DROP"
    CUSTOM = "CUSTOM"
    UNKNOWN = "UNKNOWN"


class OperationSourceType(StrEnum):
    """DataHub's OperationSourceType: who saw the change."""

    DATA_PROCESS = "DATA_PROCESS"
    DATA_PLATFORM = "DATA_PLATFORM"


@dataclass(frozen=True, slots=True)
class OperationSpec:
    asset: urns.AssetUrn
    time_ms: int
    last_updated_ms: int
    operation_type: OperationType
    source_type: OperationSourceType
    custom_operation_type: str | None = None
    actor: str | None = None
    num_affected_rows: int | None = None
    partition: str | None = None
    custom_properties: tuple[tuple[str, str | None], ...] = ()


# Fields DataHub's Operation API filters on (FilterInput), and what each compares.
FILTER_FIELDS: Final = ("sourceType", "operationType", "partition", "customOperationType")


@dataclass(frozen=True, slots=True)
class OperationFilter:
    """Values each named field must have one of (AND across fields)."""

    values: tuple[tuple[str, tuple[str, ...]], ...] = ()


def _text(what: str, value: str | None, limit: int = MAX_TEXT) -> str | None:
    if value is not None and len(value) > limit:
        raise BadUserInputError(f"{what} is {len(value)} characters long; the limit is {limit}")
    return value


def build_operation(
    *,
    asset_urn: str,
    now_ms: int,
    timestamp_ms: int | None,
    operation_type: OperationType,
    source_type: OperationSourceType,
    custom_operation_type: str | None = None,
    actor: str | None = None,
    num_affected_rows: int | None = None,
    partition: str | None = None,
    custom_properties: list[tuple[str, str | None]] | None = None,
    last_updated_ms: int | None = None,
) -> OperationSpec:
    """Validate a reported operation; without a time it happened now, and without a last
    update time the data was updated when it happened."""
    try:
        asset = urns.parse_asset_urn(asset_urn)
    except urns.InvalidUrnError as exc:
        raise BadUserInputError(f"bad urn: {exc}", field="urn") from exc
    if operation_type is OperationType.CUSTOM and not custom_operation_type:
        raise BadUserInputError(
            "operationType CUSTOM needs customOperationType naming it",
            field="customOperationType",
        )
    if timestamp_ms is not None and timestamp_ms < 0:
        raise BadUserInputError("timestampMillis cannot be negative", field="timestampMillis")
    if num_affected_rows is not None and num_affected_rows < 0:
        raise BadUserInputError("numAffectedRows cannot be negative", field="numAffectedRows")
    properties = tuple(custom_properties or ())
    if len(properties) > MAX_PROPERTIES:
        raise BadUserInputError(f"at most {MAX_PROPERTIES} customProperties")
    for key, value in properties:
        _text("a customProperties key", key)
        _text("a customProperties value", value)
    time_ms = now_ms if timestamp_ms is None else timestamp_ms
    if last_updated_ms is not None and last_updated_ms < 0:
        raise BadUserInputError("lastUpdatedTimestamp cannot be negative")
    return OperationSpec(
        asset=asset,
        time_ms=time_ms,
        last_updated_ms=time_ms if last_updated_ms is None else last_updated_ms,
        operation_type=operation_type,
        source_type=source_type,
        custom_operation_type=_text("customOperationType", custom_operation_type, limits.NAME),
        actor=_text("actor", actor, limits.ACTOR_URN),
        num_affected_rows=num_affected_rows,
        partition=_text("partition", partition),
        custom_properties=properties,
    )


def build_filter(criteria: list[tuple[str, list[str]]]) -> OperationFilter:
    """DataHub's FilterInput `and` list, as field -> accepted values."""
    out: list[tuple[str, tuple[str, ...]]] = []
    for field, values in criteria:
        if field not in FILTER_FIELDS:
            raise BadUserInputError(
                f"operations cannot be filtered on {field!r}; use one of "
                f"{', '.join(FILTER_FIELDS)}",
                field="filter",
            )
        out.append((field, tuple(values)))
    return OperationFilter(tuple(out))


def check_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise BadUserInputError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
    return limit
