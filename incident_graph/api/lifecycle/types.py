"""Types of the incident lifecycle: root cause, timeline, comments, subscribers."""

from __future__ import annotations

import json
from typing import Any

import strawberry

from incident_graph.api.access.types import OwnerType, actor_entity
from incident_graph.api.entity import AuditStamp
from incident_graph.api.enums import EventKind, RootCauseCategory, SubscriptionReason
from incident_graph.api.scalars import Long
from incident_graph.domain import lifecycle as rules
from incident_graph.store.tables import IncidentComment as CommentRow
from incident_graph.store.tables import IncidentEvent as EventRow
from incident_graph.store.tables import IncidentSubscriber as SubscriberRow


@strawberry.type(description="Why an incident happened.")
class IncidentRootCause:
    category: RootCauseCategory
    detail: str | None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


@strawberry.type(description="One field a change set: its value before and after.")
class IncidentFieldChange:
    field: str
    old_value: str | None = strawberry.field(
        description="The value before; lists and numbers as JSON, null when unset or new."
    )
    new_value: str | None = strawberry.field(description="The value after, in the same form.")


@strawberry.type(description="One change in an incident's append-only history.")
class IncidentTimelineEvent:
    row: strawberry.Private[EventRow]

    @strawberry.field
    def kind(self) -> EventKind:
        return self.row.kind

    @strawberry.field
    def actor(self) -> str:
        return self.row.actor

    @strawberry.field(description="When it happened (epoch milliseconds).")
    def time(self) -> Long:
        return Long(self.row.time_ms)

    @strawberry.field(description="The comment a COMMENTED or COMMENT_EDITED event is about.")
    def comment_id(self) -> str | None:
        comment_id = self.row.payload.get("commentId")
        return None if comment_id is None else str(comment_id)

    @strawberry.field(
        description="The check results a CHECK_RESULTS_LINKED or _UNLINKED event is about."
    )
    def check_result_ids(self) -> list[str] | None:
        ids = self.row.payload.get("checkResultIds")
        return None if ids is None else [str(i) for i in ids]

    @strawberry.field(description="Every field the change set, with old and new values.")
    def changes(self) -> list[IncidentFieldChange]:
        old = self.row.payload.get("old") or {}
        new = self.row.payload.get("new") or {}
        return [
            IncidentFieldChange(field=k, old_value=_text(old.get(k)), new_value=_text(new[k]))
            for k in new
        ]


@strawberry.type(description="A page of an incident's timeline, oldest first.")
class IncidentTimeline:
    start: int
    count: int
    total: int
    events: list[IncidentTimelineEvent]


@strawberry.type(description="A comment on an incident.")
class IncidentComment:
    row: strawberry.Private[CommentRow]

    @strawberry.field(description="Pass it to editIncidentComment.")
    def id(self) -> str:
        return str(self.row.id)

    @strawberry.field
    def text(self) -> str:
        return self.row.text

    @strawberry.field(description="Users the text @mentions (they are subscribed).")
    def mentions(self) -> list[str]:
        return list(rules.mentions(self.row.text))

    @strawberry.field(description="Who wrote it, and when.")
    def created(self) -> AuditStamp:
        return AuditStamp(time=Long(self.row.created_ms), actor=self.row.author)

    @strawberry.field(description="When its author last edited it; null if never.")
    def edited(self) -> AuditStamp | None:
        if self.row.edited_ms is None:
            return None
        return AuditStamp(time=Long(self.row.edited_ms), actor=self.row.author)


@strawberry.type(description="A page of an incident's comments, oldest first.")
class IncidentComments:
    start: int
    count: int
    total: int
    comments: list[IncidentComment]


@strawberry.type(description="Someone who follows an incident, and why.")
class IncidentSubscriber:
    row: strawberry.Private[SubscriberRow]

    @strawberry.field
    def subscriber(self) -> OwnerType:
        return actor_entity(self.row.user_urn)

    @strawberry.field
    def reason(self) -> SubscriptionReason:
        return self.row.reason

    @strawberry.field(description="When they were subscribed.")
    def since(self) -> Long:
        return Long(self.row.created_ms)
