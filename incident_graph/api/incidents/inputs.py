"""DataHub's incident input types, plus our optional additions."""

from __future__ import annotations

import strawberry

from incident_graph.api.enums import (
    IncidentPriority,
    IncidentSourceType,
    IncidentStage,
    IncidentState,
    IncidentType,
)
from incident_graph.api.lifecycle.inputs import IncidentRootCauseInput
from incident_graph.api.scalars import Long
from incident_graph.domain import lifecycle
from incident_graph.domain.incidents import StatusSpec

STAGE_ALIAS_HELP = (
    "Ours: another tool's stage name instead of stage. Soda: Reported (TRIAGE), Investigating "
    "(INVESTIGATION), Fixing (WORK_IN_PROGRESS), Resolved (FIXED, with state RESOLVED). "
    "OpenMetadata: New (TRIAGE), Ack (TRIAGE, and acknowledges), Assigned (INVESTIGATION), "
    "Resolved. Case does not matter; state must agree."
)
ROOT_CAUSE_HELP = "Ours: why the incident happened; editable later with setIncidentRootCause."


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
    message: str | None = strawberry.field(
        default=None, description="The status message; when resolving, the resolution note."
    )
    stage_alias: str | None = strawberry.field(default=None, description=STAGE_ALIAS_HELP)
    root_cause: IncidentRootCauseInput | None = strawberry.field(
        default=None, description=ROOT_CAUSE_HELP
    )

    def to_spec(self) -> StatusSpec:
        root_cause = self.root_cause
        return lifecycle.status_with_alias(
            state=self.state,
            stage=self.stage,
            stage_alias=self.stage_alias,
            message=self.message,
            root_cause=(
                None
                if root_cause is None
                else lifecycle.check_root_cause(root_cause.category, root_cause.detail)
            ),
        )


@strawberry.input(
    description="The older name of IncidentStatusInput; accepted wherever that is expected."
)
class UpdateIncidentStatusInput:
    state: IncidentState
    stage: IncidentStage | None = None
    message: str | None = None
    stage_alias: str | None = strawberry.field(default=None, description=STAGE_ALIAS_HELP)
    root_cause: IncidentRootCauseInput | None = strawberry.field(
        default=None, description=ROOT_CAUSE_HELP
    )


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
    check_result_ids: list[str] | None = strawberry.field(
        default=None,
        description=(
            "Ours: check results the incident covers (from reportCheckResults), linked to it. "
            "Without resourceUrn(s) it is raised on their checks' assets; without a source, "
            "as ASSERTION_FAILURE of their check when they share one."
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
    lead_urn: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="Ours: the one user who leads the response (urn:li:corpuser:...); null clears.",
    )
