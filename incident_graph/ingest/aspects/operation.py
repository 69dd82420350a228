"""The time-series `operation` -> an operation on the dataset (what OperationCircuitBreaker and
AssertionCircuitBreaker read), as DataHub's sources and its Airflow plugin send it."""

from __future__ import annotations

from typing import Any, Final

from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.ingest import OperationReport
from incident_graph.domain.operations import OperationSourceType, OperationType, build_operation
from incident_graph.ingest.aspects.fields import checked, obj, opt_int, opt_str, req_str
from incident_graph.ingest.aspects.registry import AspectHandler
from incident_graph.ingest.errors import AspectError

ASPECT: Final = "operation"


def _enum(raw: str, kind: type[OperationType | OperationSourceType], what: str) -> Any:
    try:
        return kind(raw)
    except ValueError as exc:
        known = ", ".join(member.value for member in kind)
        raise AspectError(f"{ASPECT}.{what} is {raw!r}; use one of {known}") from exc


def upsert(urn: str, value: Any) -> OperationReport:
    data = obj(value, ASPECT)
    time_ms = opt_int(data, "timestampMillis", ASPECT)
    if time_ms is None:
        raise AspectError(f"{ASPECT}.timestampMillis is required")
    properties = data.get("customProperties") or {}
    partition = data.get("partitionSpec")
    source = opt_str(data, "sourceType", ASPECT)
    try:
        spec = build_operation(
            asset_urn=urn,
            now_ms=time_ms,
            timestamp_ms=time_ms,
            last_updated_ms=opt_int(data, "lastUpdatedTimestamp", ASPECT),
            operation_type=_enum(req_str(data, "operationType", ASPECT), OperationType, "type"),
            source_type=_enum(source, OperationSourceType, "sourceType")
            if source
            else OperationSourceType.DATA_PROCESS,
            custom_operation_type=opt_str(data, "customOperationType", ASPECT),
            actor=opt_str(data, "actor", ASPECT),
            num_affected_rows=opt_int(data, "numAffectedRows", ASPECT),
            partition=opt_str(partition, "partition", f"{ASPECT}.partitionSpec")
            if isinstance(partition, dict)
            else None,
            custom_properties=[
                (str(k), None if v is None else str(v))
                for k, v in obj(properties, f"{ASPECT}.customProperties").items()
            ],
        )
    except BadUserInputError as exc:
        raise checked(ASPECT, exc) from exc
    return OperationReport(spec)


HANDLER: Final = AspectHandler(
    name=ASPECT,
    fqn="com.linkedin.common.Operation",
    entity_types=frozenset({"dataset"}),
    upsert=upsert,
)
