"""GraphQL enums: DataHub's names and values, and ours.

The domain's enums are registered with strawberry here, and only here, so the API and the rules
share one definition; every API module takes them from this module, so none depends on
another having registered them first.
"""

from __future__ import annotations

from enum import Enum
from typing import Final

import strawberry
from strawberry.types.enum import EnumValue, StrawberryEnumDefinition

from incident_graph.domain.access import GrantScope, Privilege
from incident_graph.domain.assertions import AssertionResultSeverity, AssertionResultType
from incident_graph.domain.assets import OwnershipType
from incident_graph.domain.checks import Action, CheckType, ResultStatus
from incident_graph.domain.enums import (
    EventKind,
    IncidentPriority,
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
    Role,
    RootCauseCategory,
    SubscriptionReason,
)
from incident_graph.domain.incident_metrics import MetricsBucket
from incident_graph.domain.incident_search import IncidentSortField, IncidentSortOrder
from incident_graph.domain.notifications import DeliveryStatus, DestinationKind, NotifyKind
from incident_graph.domain.operations import OperationSourceType, OperationType

for _domain_enum in (
    IncidentType,
    IncidentState,
    IncidentStage,
    IncidentPriority,
    IncidentSourceType,
    OwnershipType,
):
    strawberry.enum(_domain_enum)
strawberry.enum(RootCauseCategory, name="IncidentRootCauseCategory")
strawberry.enum(SubscriptionReason, name="IncidentSubscriptionReason")
strawberry.enum(EventKind, name="IncidentEventKind")
strawberry.enum(IncidentSortField, description="What searchIncidents orders by.")
strawberry.enum(IncidentSortOrder, description="Ascending or descending.")
strawberry.enum(MetricsBucket, description="How long each bucket of incidentMetrics is (UTC).")
strawberry.enum(Role, name="UserRole", description="admin, editor, member or viewer.")
strawberry.enum(Privilege, description="What a grant allows.")
strawberry.enum(GrantScope, description="Where a grant applies: everywhere, a platform, an asset.")
strawberry.enum(DestinationKind, description="Where a notification channel sends.")
strawberry.enum(
    DeliveryStatus,
    description="PENDING, DELIVERED, FAILED (another attempt is scheduled) or DEAD.",
)
strawberry.enum(NotifyKind, name="NotificationEventType", description="The changes that notify.")
strawberry.enum(OperationType, description="What kind of change an operation made (DataHub's).")
strawberry.enum(OperationSourceType, description="Who saw the change (DataHub's).")
strawberry.enum(AssertionResultType, description="A run's outcome (DataHub's).")
strawberry.enum(AssertionResultSeverity, description="How bad a failure is (DataHub's).")
strawberry.enum(CheckType, description="Ours: what a check looks at (DataHub's assertion types).")
strawberry.enum(
    ResultStatus,
    name="CheckResultStatus",
    description="Ours: a run's outcome; ERROR means the check could not be evaluated.",
)
strawberry.enum(
    Action,
    name="CheckResultAction",
    description="Ours: what a reported result did: raised an incident, attached to the check's "
    "open one, resolved it, or nothing.",
)

# The same kinds under the class's own name: schema.graphql publishes both enums, this one on the
# incidentEvents subscription's fields (which name it with graphql_type), the other everywhere else.
LIVE_NOTIFY_KIND: Final = StrawberryEnumDefinition(
    wrapped_cls=NotifyKind,
    name="NotifyKind",
    values=[EnumValue(kind.name, kind.value) for kind in NotifyKind],
    description=None,
)


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
    # DataHub's kinds this server does not keep (fields of these types answer null).
    GLOSSARY_TERM = "GLOSSARY_TERM"
    DOMAIN = "DOMAIN"
    CONTAINER = "CONTAINER"


@strawberry.enum(description="What an assertion checks (DataHub's AssertionType).")
class AssertionType(Enum):
    DATASET = "DATASET"
    FRESHNESS = "FRESHNESS"
    VOLUME = "VOLUME"
    SQL = "SQL"
    FIELD = "FIELD"
    DATA_SCHEMA = "DATA_SCHEMA"
    CUSTOM = "CUSTOM"


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
    "LIVE_NOTIFY_KIND",
    "Action",
    "AssertionResultSeverity",
    "AssertionResultType",
    "AssertionType",
    "CheckType",
    "DeliveryStatus",
    "DestinationKind",
    "EntityType",
    "EventKind",
    "FilterOperator",
    "GrantScope",
    "HealthStatus",
    "HealthStatusType",
    "IncidentPriority",
    "IncidentSortField",
    "IncidentSortOrder",
    "IncidentSourceType",
    "IncidentStage",
    "IncidentState",
    "IncidentType",
    "MetricsBucket",
    "NotifyKind",
    "OperationSourceType",
    "OperationType",
    "OwnershipType",
    "Privilege",
    "ResultStatus",
    "Role",
    "RootCauseCategory",
    "SubscriptionReason",
]
