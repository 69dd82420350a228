"""DataHub's Incident type and the incident list an asset returns."""

from __future__ import annotations

import strawberry

from incident_graph import urns
from incident_graph.api.access.types import CorpUser, OwnerType, actor_entity
from incident_graph.api.checks.loaders import ResultsKey
from incident_graph.api.checks.types import Assertion, CheckResult, CheckResults
from incident_graph.api.context import Info
from incident_graph.api.entity import AuditStamp, Entity, OtherEntity
from incident_graph.api.enums import (
    EntityType,
    IncidentPriority,
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
)
from incident_graph.api.lifecycle.loaders import PageOf
from incident_graph.api.lifecycle.types import (
    IncidentComment,
    IncidentComments,
    IncidentRootCause,
    IncidentSubscriber,
    IncidentTimeline,
    IncidentTimelineEvent,
)
from incident_graph.api.scalars import Long
from incident_graph.domain.lifecycle import elapsed
from incident_graph.domain.paging import DEFAULT_COUNT, page
from incident_graph.store.tables import Incident as IncidentRow


def reference_entity(urn: str) -> Entity:
    """An Entity for a URN that is only referred to (an incident's source, say)."""
    entity = urns.entity_of(urn)
    if entity in urns.ACTOR_ENTITY_TYPES:
        return actor_entity(urn)
    if entity == "assertion":
        return Assertion(urn=urn, type=EntityType.ASSERTION)
    return OtherEntity(urn=urn, type=EntityType.OTHER)


@strawberry.type(description="An incident's state, lifecycle stage and the last status change.")
class IncidentStatus:
    state: IncidentState
    stage: IncidentStage | None
    message: str | None
    last_updated: AuditStamp


@strawberry.type(description="How an incident was created.")
class IncidentSource:
    type: IncidentSourceType
    source: Entity | None


@strawberry.type(description="An incident flags one or more data assets as unhealthy.")
class Incident(Entity):
    row: strawberry.Private[IncidentRow]

    @classmethod
    def from_row(cls, row: IncidentRow) -> Incident:
        return cls(urn=row.urn, type=EntityType.INCIDENT, row=row)

    @strawberry.field(description="The type of incident.")
    def incident_type(self) -> IncidentType:
        return self.row.incident_type

    @strawberry.field(description="A custom type of incident; present only when type is CUSTOM.")
    def custom_type(self) -> str | None:
        return self.row.custom_type

    @strawberry.field
    def title(self) -> str | None:
        return self.row.title

    @strawberry.field
    def description(self) -> str | None:
        return self.row.description

    @strawberry.field(description="The status of the incident.")
    def incident_status(self) -> IncidentStatus:
        return _status(self.row)

    @strawberry.field(deprecation_reason="Use incidentStatus instead.")
    def status(self) -> IncidentStatus:
        return _status(self.row)

    @strawberry.field
    def priority(self) -> IncidentPriority | None:
        return self.row.priority

    @strawberry.field(description="Users and groups assigned to resolve the incident.")
    async def assignees(self, info: Info) -> list[OwnerType] | None:
        assignees = await info.context.loaders.incidents.assignees.load(self.row.id)
        return [actor_entity(u) for u in assignees]

    @strawberry.field(description="The (first) asset the incident is raised on.")
    async def entity(self, info: Info) -> Entity:
        assets = await info.context.loaders.incidents.assets.load(self.row.id)
        return info.context.asset_entity(assets[0])

    @strawberry.field(description="Every asset the incident is raised on, in the order given.")
    async def entities(self, info: Info) -> list[Entity]:
        assets = await info.context.loaders.incidents.assets.load(self.row.id)
        return [info.context.asset_entity(a) for a in assets]

    @strawberry.field(description="How the incident was created.")
    def source(self) -> IncidentSource | None:
        row = self.row
        return IncidentSource(
            type=row.source_type,
            source=reference_entity(row.source_urn) if row.source_urn else None,
        )

    @strawberry.field(description="When the problem actually started (epoch ms), if known.")
    def started_at(self) -> Long | None:
        return None if self.row.started_at_ms is None else Long(self.row.started_at_ms)

    @strawberry.field(description="When and by whom the incident was raised.")
    def created(self) -> AuditStamp:
        return AuditStamp(time=Long(self.row.created_ms), actor=self.row.created_actor)

    @strawberry.field(description="Changes so far; grows by one with every change.")
    def version(self) -> int:
        return self.row.version

    @strawberry.field(description="Ours: the one user leading the response.")
    def lead(self) -> CorpUser | None:
        lead = self.row.lead_urn
        if lead is None:
            return None
        return CorpUser(urn=lead, type=EntityType.CORP_USER, username=lead.rsplit(":", 1)[-1])

    @strawberry.field(description="Ours: who acknowledged the incident first, and when.")
    def acknowledged(self) -> AuditStamp | None:
        row = self.row
        if row.acknowledged_ms is None:
            return None
        return AuditStamp(time=Long(row.acknowledged_ms), actor=row.acknowledged_actor)

    @strawberry.field(description="Ours: who resolved it and when; null while it is active.")
    def resolved(self) -> AuditStamp | None:
        row = self.row
        if row.resolved_ms is None:
            return None
        return AuditStamp(time=Long(row.resolved_ms), actor=row.resolved_actor)

    @strawberry.field(description="Ours: what was done, as written when it was resolved.")
    def resolution_note(self) -> str | None:
        return self.row.resolution_note

    @strawberry.field(description="Ours: why it happened.")
    def root_cause(self) -> IncidentRootCause | None:
        row = self.row
        if row.root_cause_category is None:
            return None
        return IncidentRootCause(category=row.root_cause_category, detail=row.root_cause_detail)

    @strawberry.field(description="Ours: milliseconds from raise to first acknowledgement.")
    def time_to_acknowledge_ms(self) -> Long | None:
        value = elapsed(self.row.created_ms, self.row.acknowledged_ms)
        return None if value is None else Long(value)

    @strawberry.field(description="Ours: milliseconds from raise to the (final) resolution.")
    def time_to_resolve_ms(self) -> Long | None:
        value = elapsed(self.row.created_ms, self.row.resolved_ms)
        return None if value is None else Long(value)

    @strawberry.field(description="Ours: every change, oldest first; never rewritten.")
    async def timeline(
        self, info: Info, start: int | None = 0, count: int | None = DEFAULT_COUNT
    ) -> IncidentTimeline:
        window = page(start, count)
        found = await info.context.loaders.lifecycle.timeline.load(
            PageOf(self.row.id, window.start, window.count)
        )
        return IncidentTimeline(
            start=window.start,
            count=len(found.rows),
            total=found.total,
            events=[IncidentTimelineEvent(row=r) for r in found.rows],
        )

    @strawberry.field(description="Ours: comments, oldest first.")
    async def comments(
        self, info: Info, start: int | None = 0, count: int | None = DEFAULT_COUNT
    ) -> IncidentComments:
        window = page(start, count)
        found = await info.context.loaders.lifecycle.comments.load(
            PageOf(self.row.id, window.start, window.count)
        )
        return IncidentComments(
            start=window.start,
            count=len(found.rows),
            total=found.total,
            comments=[IncidentComment(row=r) for r in found.rows],
        )

    @strawberry.field(description="Ours: the check results the incident covers, newest run first.")
    async def check_results(
        self, info: Info, start: int | None = 0, count: int | None = DEFAULT_COUNT
    ) -> CheckResults:
        window = page(start, count)
        found = await info.context.loaders.checks.incident_results.load(
            ResultsKey(self.row.id, window.start, window.count)
        )
        return CheckResults(
            start=window.start,
            count=len(found.rows),
            total=found.total,
            results=[CheckResult(row=r, check_row=c) for r, c in found.rows],
        )

    @strawberry.field(description="Ours: who follows the incident.")
    async def subscribers(self, info: Info) -> list[IncidentSubscriber]:
        rows = await info.context.loaders.lifecycle.subscribers.load(self.row.id)
        return [IncidentSubscriber(row=r) for r in rows]


def _status(row: IncidentRow) -> IncidentStatus:
    return IncidentStatus(
        state=row.state,
        stage=row.stage,
        message=row.status_message,
        last_updated=AuditStamp(time=Long(row.status_time_ms), actor=row.status_actor),
    )


@strawberry.type(description="A page of an asset's incidents, newest first.")
class EntityIncidentsResult:
    start: int
    count: int = strawberry.field(
        description="The page size asked for (as DataHub answers it), not how many came back."
    )
    total: int
    incidents: list[Incident]
