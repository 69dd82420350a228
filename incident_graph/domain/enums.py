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
    # Reads everything; writes incidents only on assets it holds MANAGE_INCIDENTS on.
    MEMBER = "member"
    VIEWER = "viewer"

    @property
    def can_write(self) -> bool:
        return self is not Role.VIEWER

    @property
    def writes_everywhere(self) -> bool:
        """Admin and editor hold MANAGE_INCIDENTS globally (editors kept it from the core issue)."""
        return self in {Role.ADMIN, Role.EDITOR}


class EventKind(StrEnum):
    """Kinds of append-only incident events (the history behind every change)."""

    RAISED = "RAISED"
    STATUS_CHANGED = "STATUS_CHANGED"
    UPDATED = "UPDATED"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    LEAD_CHANGED = "LEAD_CHANGED"
    COMMENTED = "COMMENTED"
    COMMENT_EDITED = "COMMENT_EDITED"
    ROOT_CAUSE_SET = "ROOT_CAUSE_SET"
    CHECK_RESULTS_LINKED = "CHECK_RESULTS_LINKED"
    CHECK_RESULTS_UNLINKED = "CHECK_RESULTS_UNLINKED"


class RootCauseCategory(StrEnum):
    """Why an incident happened, as recorded when (or after) it is resolved."""

    FALSE_POSITIVE = "FALSE_POSITIVE"
    MISSING_DATA = "MISSING_DATA"
    DUPLICATES = "DUPLICATES"
    OUT_OF_BOUNDS = "OUT_OF_BOUNDS"
    UPSTREAM_FAILURE = "UPSTREAM_FAILURE"
    SCHEMA_CHANGE = "SCHEMA_CHANGE"
    CODE_CHANGE = "CODE_CHANGE"
    INFRASTRUCTURE = "INFRASTRUCTURE"
    OTHER = "OTHER"


class SubscriptionReason(StrEnum):
    """Why a user follows an incident."""

    LEAD = "LEAD"
    ASSIGNEE = "ASSIGNEE"
    MENTIONED = "MENTIONED"
    SUBSCRIBED = "SUBSCRIBED"
