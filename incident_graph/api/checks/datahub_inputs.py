"""DataHub's assertion inputs, as its SDK sends them (reportAssertionResult,
upsertCustomAssertion). Parts this server does not keep are accepted and ignored."""

from __future__ import annotations

from enum import Enum

import strawberry

from incident_graph.api.checks.run_events import AssertionResultErrorType
from incident_graph.api.enums import AssertionResultSeverity, AssertionResultType
from incident_graph.api.maps import StringMapEntryInput
from incident_graph.api.scalars import Long


@strawberry.enum(description="What part of a dataset an assertion looks at (DataHub's).")
class DatasetAssertionScope(Enum):
    DATASET_COLUMN = "DATASET_COLUMN"
    DATASET_ROWS = "DATASET_ROWS"
    DATASET_STORAGE_SIZE = "DATASET_STORAGE_SIZE"
    DATASET_SCHEMA = "DATASET_SCHEMA"
    UNKNOWN = "UNKNOWN"


@strawberry.enum(description="What an assertion aggregates (DataHub's).")
class AssertionStdAggregation(Enum):
    ROW_COUNT = "ROW_COUNT"
    COLUMNS = "COLUMNS"
    COLUMN_COUNT = "COLUMN_COUNT"
    IDENTITY = "IDENTITY"
    MEAN = "MEAN"
    MEDIAN = "MEDIAN"
    UNIQUE_COUNT = "UNIQUE_COUNT"
    UNIQUE_PROPORTION = "UNIQUE_PROPORTION"
    UNIQUE_PROPOTION = "UNIQUE_PROPOTION"
    NULL_COUNT = "NULL_COUNT"
    NULL_PROPORTION = "NULL_PROPORTION"
    STDDEV = "STDDEV"
    MIN = "MIN"
    MAX = "MAX"
    SUM = "SUM"
    NATIVE = strawberry.enum_value("_NATIVE_", name="_NATIVE_")


@strawberry.enum(description="How an assertion compares (DataHub's).")
class AssertionStdOperator(Enum):
    BETWEEN = "BETWEEN"
    LESS_THAN = "LESS_THAN"
    LESS_THAN_OR_EQUAL_TO = "LESS_THAN_OR_EQUAL_TO"
    GREATER_THAN = "GREATER_THAN"
    GREATER_THAN_OR_EQUAL_TO = "GREATER_THAN_OR_EQUAL_TO"
    EQUAL_TO = "EQUAL_TO"
    NOT_EQUAL_TO = "NOT_EQUAL_TO"
    NULL = "NULL"
    NOT_NULL = "NOT_NULL"
    CONTAIN = "CONTAIN"
    END_WITH = "END_WITH"
    START_WITH = "START_WITH"
    REGEX_MATCH = "REGEX_MATCH"
    IN = "IN"
    NOT_IN = "NOT_IN"
    IS_TRUE = "IS_TRUE"
    IS_FALSE = "IS_FALSE"
    NATIVE = strawberry.enum_value("_NATIVE_", name="_NATIVE_")


@strawberry.enum(description="The type of an assertion parameter (DataHub's).")
class AssertionStdParameterType(Enum):
    STRING = "STRING"
    NUMBER = "NUMBER"
    LIST = "LIST"
    SET = "SET"
    UNKNOWN = "UNKNOWN"


@strawberry.input(description="One assertion parameter (DataHub's).")
class AssertionStdParameterInput:
    value: str
    type: AssertionStdParameterType


@strawberry.input(description="An assertion's parameters (DataHub's).")
class AssertionStdParametersInput:
    value: AssertionStdParameterInput | None = None
    max_value: AssertionStdParameterInput | None = None
    min_value: AssertionStdParameterInput | None = None


@strawberry.input(description="Why a run could not be evaluated (DataHub's).")
class AssertionResultErrorInput:
    type: AssertionResultErrorType
    message: str


@strawberry.input(
    description=(
        "A run's result (DataHub's). FAILURE with severity LOW is kept as a WARN; INIT (set "
        "up, not run) stores nothing. The run id is the timestamp."
    )
)
class AssertionResultInput:
    timestamp_millis: Long
    type: AssertionResultType
    properties: list[StringMapEntryInput] | None = None
    external_url: str | None = None
    error: AssertionResultErrorInput | None = None
    severity: AssertionResultSeverity | None = None


@strawberry.input(description="A platform by URN or name (DataHub's PlatformInput).")
class PlatformInput:
    urn: str | None = None
    name: str | None = None


@strawberry.input(description="A custom assertion on an entity (DataHub's).")
class UpsertCustomAssertionInput:
    entity_urn: str
    type: str = strawberry.field(description="The kind of custom assertion, in your words.")
    description: str
    platform: PlatformInput
    field_path: str | None = None
    field_paths: list[str] | None = None
    external_url: str | None = None
    logic: str | None = None
    scope: DatasetAssertionScope | None = None
    aggregation: AssertionStdAggregation | None = None
    operator: AssertionStdOperator | None = None
    parameters: AssertionStdParametersInput | None = None
    native_type: str | None = None
    native_parameters: list[StringMapEntryInput] | None = None
