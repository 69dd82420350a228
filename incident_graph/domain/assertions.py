"""DataHub's assertions as our checks: result types, severities and assertion types. Pure.

DataHub has no WARN: a warning is a FAILURE of LOW severity there, and one reported so is a
WARN here (raising an incident only where the check's policy raises on WARN). INIT means the
assertion was set up and has not run: it is no result.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from incident_graph.domain.checks import CheckType, ResultStatus


class AssertionResultType(StrEnum):
    INIT = "INIT"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"
    ERROR = "ERROR"


class AssertionResultSeverity(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


def status_of(
    result: AssertionResultType, severity: AssertionResultSeverity | None = None
) -> ResultStatus | None:
    """Our status for a DataHub result; None for INIT (nothing ran)."""
    if result is AssertionResultType.SUCCESS:
        return ResultStatus.PASS
    if result is AssertionResultType.ERROR:
        return ResultStatus.ERROR
    if result is AssertionResultType.FAILURE:
        return ResultStatus.WARN if severity is AssertionResultSeverity.LOW else ResultStatus.FAIL
    return None


def result_of(status: ResultStatus) -> tuple[AssertionResultType, AssertionResultSeverity | None]:
    """DataHub's result type (and severity) for our status."""
    if status is ResultStatus.PASS:
        return AssertionResultType.SUCCESS, None
    if status is ResultStatus.ERROR:
        return AssertionResultType.ERROR, None
    if status is ResultStatus.WARN:
        return AssertionResultType.FAILURE, AssertionResultSeverity.LOW
    return AssertionResultType.FAILURE, None


# DataHub's older DATASET assertions say what they look at by their scope.
_BY_SCOPE: Final = {
    "DATASET_COLUMN": CheckType.FIELD,
    "DATASET_ROWS": CheckType.VOLUME,
    "DATASET_SCHEMA": CheckType.DATA_SCHEMA,
}


def check_type_of(assertion_type: str, scope: str | None = None) -> CheckType:
    """Our check type for DataHub's AssertionType (DATASET by its scope)."""
    if assertion_type == "DATASET":
        return _BY_SCOPE.get(scope or "", CheckType.CUSTOM)
    try:
        return CheckType(assertion_type)
    except ValueError:
        return CheckType.CUSTOM
