"""DataHub's incident input types, plus our optional additions."""

from __future__ import annotations

import strawberry

from incident_graph.api.types.enums import (
    IncidentPriority,
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
)
from incident_graph.api.types.scalars import Long
from incident_graph.domain.incidents import StatusSpec


@strawberry.input(description="How an incident was created.")
class IncidentSourceInput:
    type: IncidentSourceType
    source_urn: str | None = strawberry.field(
        default=None, description="Ours: the URN of the check that raised it (e.g. an assertion)."
    )


@strawberry.input(description="A new status for an incident.")
class IncidentStatusInput:
    state: IncidentState
    stage: IncidentStage | None = None
    message: str | None = None

    def to_spec(self) -> StatusSpec:
        return StatusSpec(state=self.state, stage=self.stage, message=self.message)


@strawberry.input(
    description="The older name of IncidentStatusInput; accepted wherever that is expected."
)
class UpdateIncidentStatusInput:
    state: IncidentState
    stage: IncidentStage | None = None
    message: str | None = None


@strawberry.input(description="A new incident; it starts ACTIVE unless a status is given.")
class RaiseIncidentInput:
    type: IncidentType
    custom_type: str | None = None
    title: str | None = None
    description: str | None = None
    resource_urn: str | None = None
    resource_urns: list[str] | None = None
    started_at: Long | None = None
    source: IncidentSourceInput | None = None
    status: IncidentStatusInput | None = None
    priority: IncidentPriority | None = None
    assignee_urns: list[str] | None = None
    id: str | None = strawberry.field(
        default=None,
        description=(
            "Ours: a caller-chosen key, so a retried pipeline raises once. The URN becomes "
            "urn:li:incident:<id>; the same id with the same content returns the same URN, "
            "with other content it is a CONFLICT."
        ),
    )


@strawberry.input(description="Fields to change on an incident; omitted fields stay as they are.")
class UpdateIncidentInput:
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    started_at: Long | None = strawberry.UNSET
    status: IncidentStatusInput | None = strawberry.UNSET
    priority: IncidentPriority | None = strawberry.UNSET
    resource_urns: list[str] | None = strawberry.UNSET
    assignee_urns: list[str] | None = strawberry.UNSET
