"""DataHub's AssertionRunEvent and its parts, made from our check results."""

from __future__ import annotations

from enum import Enum

import strawberry

from incident_graph.api.enums import AssertionResultSeverity, AssertionResultType
from incident_graph.api.maps import StringMapEntry
from incident_graph.api.scalars import Long
from incident_graph.domain.assertions import result_of
from incident_graph.store.tables import CheckResult as ResultRow


@strawberry.enum(description="Whether a run is complete (DataHub's); every run kept here is.")
class AssertionRunStatus(Enum):
    COMPLETE = "COMPLETE"


@strawberry.enum(description="What went wrong when an assertion could not run (DataHub's).")
class AssertionResultErrorType(Enum):
    SOURCE_CONNECTION_ERROR = "SOURCE_CONNECTION_ERROR"
    SOURCE_QUERY_FAILED = "SOURCE_QUERY_FAILED"
    INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
    INVALID_PARAMETERS = "INVALID_PARAMETERS"
    INVALID_SOURCE_TYPE = "INVALID_SOURCE_TYPE"
    UNSUPPORTED_PLATFORM = "UNSUPPORTED_PLATFORM"
    CUSTOM_SQL_ERROR = "CUSTOM_SQL_ERROR"
    FIELD_ASSERTION_ERROR = "FIELD_ASSERTION_ERROR"
    UNKNOWN_ERROR = "UNKNOWN_ERROR"


@strawberry.enum(description="How a run's data was sliced (DataHub's).")
class PartitionType(Enum):
    FULL_TABLE = "FULL_TABLE"
    QUERY = "QUERY"
    PARTITION = "PARTITION"


@strawberry.type(description="A span of time (DataHub's TimeWindow).")
class TimeWindow:
    start_time_millis: Long
    duration_millis: Long


@strawberry.type(description="The slice of data a run looked at; null here (DataHub's).")
class PartitionSpec:
    type: PartitionType
    partition: str
    time_partition: TimeWindow | None = None


@strawberry.type(description="Why a run could not be evaluated (DataHub's).")
class AssertionResultError:
    type: AssertionResultErrorType
    properties: list[StringMapEntry] | None = None


@strawberry.type(description="A run's result (DataHub's AssertionResult).")
class AssertionResult:
    type: AssertionResultType
    severity: AssertionResultSeverity | None = None
    row_count: Long | None = None
    missing_count: Long | None = None
    unexpected_count: Long | None = None
    actual_agg_value: float | None = strawberry.field(
        default=None, description="The observed value, when it is a number."
    )
    external_url: str | None = None
    native_results: list[StringMapEntry] | None = strawberry.field(
        default=None, description="observedValue, threshold and message, as kept here."
    )
    error: AssertionResultError | None = None


@strawberry.type(description="One run of an assertion (DataHub's AssertionRunEvent).")
class AssertionRunEvent:
    timestamp_millis: Long
    last_observed_millis: Long | None
    assertion_urn: str
    assertee_urn: str
    run_id: str
    status: AssertionRunStatus
    result: AssertionResult | None
    partition_spec: PartitionSpec | None = None


@strawberry.type(description="Runs of an assertion, newest first (DataHub's).")
class AssertionRunEventsResult:
    total: int
    failed: int
    succeeded: int
    errored: int
    run_events: list[AssertionRunEvent]


def _number(text: str | None) -> float | None:
    try:
        return None if text is None else float(text)
    except ValueError:
        return None


def run_event(row: ResultRow, *, assertion_urn: str, assertee_urn: str) -> AssertionRunEvent:
    kind, severity = result_of(row.status)
    native = [
        StringMapEntry(key=key, value=value)
        for key, value in (
            ("observedValue", row.observed_value),
            ("threshold", row.threshold),
            ("message", row.message),
        )
        if value is not None
    ]
    error = None
    if kind is AssertionResultType.ERROR:
        error = AssertionResultError(
            type=AssertionResultErrorType.UNKNOWN_ERROR,
            properties=[StringMapEntry(key="message", value=row.message)] if row.message else None,
        )
    return AssertionRunEvent(
        timestamp_millis=Long(row.time_ms),
        last_observed_millis=Long(row.created_ms),
        assertion_urn=assertion_urn,
        assertee_urn=assertee_urn,
        run_id=row.run_id,
        status=AssertionRunStatus.COMPLETE,
        result=AssertionResult(
            type=kind,
            severity=severity,
            actual_agg_value=_number(row.observed_value),
            external_url=row.external_url,
            native_results=native or None,
            error=error,
        ),
    )


def run_events(events: list[AssertionRunEvent]) -> AssertionRunEventsResult:
    def count(kind: AssertionResultType) -> int:
        return sum(1 for e in events if e.result is not None and e.result.type is kind)

    return AssertionRunEventsResult(
        total=len(events),
        failed=count(AssertionResultType.FAILURE),
        succeeded=count(AssertionResultType.SUCCESS),
        errored=count(AssertionResultType.ERROR),
        run_events=events,
    )
