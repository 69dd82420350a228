"""GraphQL enums: DataHub's names and values.

The incident enums are the domain's own classes, registered with strawberry here so the API
and the rules share one definition.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from incident_graph.domain.enums import (
    IncidentPriority,
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
)

for _domain_enum in (
    IncidentType,
    IncidentState,
    IncidentStage,
    IncidentPriority,
    IncidentSourceType,
):
    strawberry.enum(_domain_enum)


@strawberry.enum(description="The kind of an entity, as DataHub names it.")
class EntityType(Enum):
    DATASET = "DATASET"
    DASHBOARD = "DASHBOARD"
    CHART = "CHART"
    DATA_FLOW = "DATA_FLOW"
    DATA_JOB = "DATA_JOB"
    CORP_USER = "CORP_USER"
    CORP_GROUP = "CORP_GROUP"
    INCIDENT = "INCIDENT"
    ASSERTION = "ASSERTION"
    DATA_PLATFORM = "DATA_PLATFORM"
    TAG = "TAG"
    OTHER = "OTHER"


@strawberry.enum
class HealthStatus(Enum):
    PASS = "PASS"  # noqa: S105 - a health status, not a password
    WARN = "WARN"
    FAIL = "FAIL"


@strawberry.enum
class HealthStatusType(Enum):
    ASSERTIONS = "ASSERTIONS"
    INCIDENTS = "INCIDENTS"
    UPSTREAM_INCIDENTS = "UPSTREAM_INCIDENTS"


@strawberry.enum(description="How a search filter compares values (DataHub's FilterOperator).")
class FilterOperator(Enum):
    EQUAL = "EQUAL"
    IN = "IN"
    CONTAIN = "CONTAIN"
    EXISTS = "EXISTS"
    GREATER_THAN = "GREATER_THAN"
    GREATER_THAN_OR_EQUAL_TO = "GREATER_THAN_OR_EQUAL_TO"
    LESS_THAN = "LESS_THAN"
    LESS_THAN_OR_EQUAL_TO = "LESS_THAN_OR_EQUAL_TO"
    START_WITH = "START_WITH"
    END_WITH = "END_WITH"


__all__ = [
    "EntityType",
    "FilterOperator",
    "HealthStatus",
    "HealthStatusType",
    "IncidentPriority",
    "IncidentSourceType",
    "IncidentStage",
    "IncidentState",
    "IncidentType",
]
