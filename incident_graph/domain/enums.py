"""DataHub's incident enums, by the names DataHub gives them."""

from __future__ import annotations

from enum import StrEnum


class IncidentType(StrEnum):
    FRESHNESS = "FRESHNESS"
    VOLUME = "VOLUME"
    FIELD = "FIELD"
    SQL = "SQL"
    DATA_SCHEMA = "DATA_SCHEMA"
    OPERATIONAL = "OPERATIONAL"
    CUSTOM = "CUSTOM"


class IncidentState(StrEnum):
    ACTIVE = "ACTIVE"
    RESOLVED = "RESOLVED"


class IncidentStage(StrEnum):
    TRIAGE = "TRIAGE"
    INVESTIGATION = "INVESTIGATION"
    WORK_IN_PROGRESS = "WORK_IN_PROGRESS"
    FIXED = "FIXED"
    NO_ACTION_REQUIRED = "NO_ACTION_REQUIRED"


class IncidentPriority(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"


class IncidentSourceType(StrEnum):
    MANUAL = "MANUAL"
    ASSERTION_FAILURE = "ASSERTION_FAILURE"


class Role(StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"

    @property
    def can_write(self) -> bool:
        return self is not Role.VIEWER


class EventKind(StrEnum):
    """Kinds of append-only incident events (the history behind every change)."""

    RAISED = "RAISED"
    STATUS_CHANGED = "STATUS_CHANGED"
    UPDATED = "UPDATED"
