"""Pure rules of the incident domain: enums, validation, lifecycle, health. No I/O."""

from incident_graph.domain.enums import (
    EventKind,
    IncidentPriority,
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
    Role,
)
from incident_graph.domain.errors import (
    BadUserInputError,
    ConflictError,
    DomainError,
    ForbiddenError,
    NotFoundError,
    UnauthenticatedError,
)

__all__ = [
    "BadUserInputError",
    "ConflictError",
    "DomainError",
    "EventKind",
    "ForbiddenError",
    "IncidentPriority",
    "IncidentSourceType",
    "IncidentStage",
    "IncidentState",
    "IncidentType",
    "NotFoundError",
    "Role",
    "UnauthenticatedError",
]
