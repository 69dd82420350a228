"""What a write changes on an incident: one typed value from the rules to the store, the timeline
and the outbox. Pure.

`IncidentFields` is an incident's changeable fields as they stand; `IncidentChange` is the part
of them one write sets. Their attribute names are the incidents table's column names, so the
store applies a change as it is; `FIELD_KEYS` is the one map from those names to the names the
timeline and the notification events use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from enum import Enum
from typing import Final, TypedDict

from incident_graph.domain.enums import (
    IncidentPriority,
    IncidentStage,
    IncidentState,
    RootCauseCategory,
)
from incident_graph.domain.notifications import NotifyKind


class Unset(Enum):
    """Marks a field a change leaves as it is."""

    UNSET = "UNSET"


UNSET: Final = Unset.UNSET

# A field's value in the timeline and in events: what JSON can carry of it.
FieldValue = str | int | None
TimelineValue = FieldValue | list[str] | list[int]


class TimelinePayload(TypedDict, total=False):
    """A timeline event's payload: the tracked fields' old and new values (a raise has only
    new ones), and the comment an event is about."""

    old: dict[str, TimelineValue]
    new: dict[str, TimelineValue]
    commentId: int
    # The check results a CHECK_RESULTS_LINKED or _UNLINKED event is about.
    checkResultIds: list[int]


@dataclass(frozen=True, slots=True)
class IncidentFields:
    """An incident's changeable fields (not its identity: URN, type, creation)."""

    title: str | None
    description: str | None
    priority: IncidentPriority | None
    started_at_ms: int | None
    state: IncidentState
    stage: IncidentStage | None
    status_message: str | None
    status_time_ms: int
    status_actor: str
    lead_urn: str | None = None
    acknowledged_ms: int | None = None
    acknowledged_actor: str | None = None
    resolved_ms: int | None = None
    resolved_actor: str | None = None
    resolution_note: str | None = None
    root_cause_category: RootCauseCategory | None = None
    root_cause_detail: str | None = None

    def after(self, change: IncidentChange) -> IncidentFields:
        """These fields with `change` applied."""
        # values() holds each field's own type; mypy cannot follow a dict of mixed types.
        return replace(self, **change.values())  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class IncidentChange:
    """The fields one write sets; UNSET leaves a field as it is."""

    title: str | Unset | None = UNSET
    description: str | Unset | None = UNSET
    priority: IncidentPriority | Unset | None = UNSET
    started_at_ms: int | Unset | None = UNSET
    state: IncidentState | Unset = UNSET
    stage: IncidentStage | Unset | None = UNSET
    status_message: str | Unset | None = UNSET
    status_time_ms: int | Unset = UNSET
    status_actor: str | Unset = UNSET
    lead_urn: str | Unset | None = UNSET
    acknowledged_ms: int | Unset | None = UNSET
    acknowledged_actor: str | Unset | None = UNSET
    resolved_ms: int | Unset | None = UNSET
    resolved_actor: str | Unset | None = UNSET
    resolution_note: str | Unset | None = UNSET
    root_cause_category: RootCauseCategory | Unset | None = UNSET
    root_cause_detail: str | Unset | None = UNSET

    def values(self) -> dict[str, FieldValue]:
        """The fields this change sets, by column name."""
        return {name: value for name in _NAMES if (value := getattr(self, name)) is not UNSET}

    def then(self, later: IncidentChange) -> IncidentChange:
        """This change followed by `later`: where both set a field, `later` wins."""
        return replace(self, **later.values())  # type: ignore[arg-type] # as in after()

    def sets(self, name: str) -> bool:
        return getattr(self, name) is not UNSET


_NAMES: Final = tuple(f.name for f in fields(IncidentChange))

# Every field the timeline tracks, and its name there and in events. The status time and actor
# are not tracked: they are the timeline event's own time and actor.
FIELD_KEYS: Final[dict[str, str]] = {
    "title": "title",
    "description": "description",
    "priority": "priority",
    "started_at_ms": "startedAt",
    "state": "state",
    "stage": "stage",
    "status_message": "message",
    "lead_urn": "lead",
    "acknowledged_ms": "acknowledgedAt",
    "acknowledged_actor": "acknowledgedBy",
    "resolved_ms": "resolvedAt",
    "resolved_actor": "resolvedBy",
    "resolution_note": "resolutionNote",
    "root_cause_category": "rootCauseCategory",
    "root_cause_detail": "rootCauseDetail",
}


def timeline_values(current: IncidentFields) -> dict[str, TimelineValue]:
    """Every tracked field of an incident, by its timeline name (a raise records them all, so
    replaying the timeline rebuilds the incident)."""
    return {key: getattr(current, name) for name, key in FIELD_KEYS.items()}


def timeline_entry(
    current: IncidentFields, change: IncidentChange
) -> tuple[dict[str, TimelineValue], dict[str, TimelineValue]]:
    """The old and new values of the tracked fields `change` sets, by their timeline names."""
    old: dict[str, TimelineValue] = {}
    new: dict[str, TimelineValue] = {}
    for name, value in change.values().items():
        key = FIELD_KEYS.get(name)
        if key is not None:
            old[key] = getattr(current, name)
            new[key] = value
    return old, new


def moved_to(payload: TimelinePayload) -> IncidentState | None:
    """The state a timeline event moved the incident into: a raise's first state, or a new
    state different from the old one; None when the state stayed as it was."""
    new = payload.get("new", {}).get("state")
    if new is None:
        return None
    if "old" in payload and payload["old"].get("state") == new:
        return None
    return IncidentState(str(new))


def notify_kinds(
    current: IncidentFields,
    change: IncidentChange,
    *,
    assignees_before: Sequence[str] | None = None,
    assignees_after: Sequence[str] | None = None,
    lead_given: bool = False,
) -> list[NotifyKind]:
    """The notifiable changes a write makes, judged against the incident before it.

    A lead the status rules set on their own (whoever starts the work leads it) is part of the
    status change; only a lead the caller names is an assignment of its own. Assignees count
    when given (`assignees_after`) and different from `assignees_before`.
    """
    new = current.after(change)
    kinds: list[NotifyKind] = []
    if (new.state, new.stage, new.status_message) != (
        current.state,
        current.stage,
        current.status_message,
    ):
        kinds.append(NotifyKind.INCIDENT_STATUS_CHANGE)
    assigned = lead_given and new.lead_urn != current.lead_urn
    if not assigned and assignees_after is not None:
        assigned = list(assignees_after) != list(assignees_before or ())
    if assigned:
        kinds.append(NotifyKind.INCIDENT_ASSIGNED)
    if new.priority != current.priority:
        kinds.append(NotifyKind.INCIDENT_PRIORITY_CHANGE)
    return kinds


__all__ = [
    "FIELD_KEYS",
    "UNSET",
    "FieldValue",
    "IncidentChange",
    "IncidentFields",
    "TimelinePayload",
    "TimelineValue",
    "Unset",
    "moved_to",
    "notify_kinds",
    "timeline_entry",
    "timeline_values",
]
