"""Root mutation fields for incidents: raise, change the status, change any field."""

from __future__ import annotations

from typing import Any

import strawberry

from incident_graph.api.checks.inputs import result_ids
from incident_graph.api.context import Info
from incident_graph.api.enums import IncidentSourceType
from incident_graph.api.incidents.inputs import (
    IncidentStatusInput,
    RaiseIncidentInput,
    UpdateIncidentInput,
)
from incident_graph.api.lifecycle.inputs import ExpectedVersion
from incident_graph.api.permissions import CanManageIncidents, incident_access
from incident_graph.domain import incidents as rules
from incident_graph.domain.changes import UNSET
from incident_graph.domain.lifecycle import check_lead
from incident_graph.services import checks as check_service
from incident_graph.services import incidents as incident_service


def _given(value: Any) -> Any:
    return UNSET if value is strawberry.UNSET else value


@strawberry.type
class IncidentMutations:
    @strawberry.mutation(
        permission_classes=[CanManageIncidents], description="Raise an incident; returns its URN."
    )
    async def raise_incident(self, info: Info, input: RaiseIncidentInput) -> str:
        ctx = info.context
        ids = result_ids(input.check_result_ids or [])
        found = await check_service.covered(db=ctx.db, result_ids=ids)
        resources = input.resource_urns
        if input.resource_urn is None and not resources and ids:
            resources = list(dict.fromkeys(f.asset_urn for f in found))
        source_type = input.source.type if input.source else None
        source_urn = input.source.source_urn if input.source else None
        if input.source is None and ids:
            source_type = IncidentSourceType.ASSERTION_FAILURE
            checks = {f.check_urn for f in found}
            source_urn = checks.pop() if len(checks) == 1 else None
        spec = rules.build_raise(
            caller_id=input.id,
            type_=input.type,
            custom_type=input.custom_type,
            title=input.title,
            description=input.description,
            resource_urn=input.resource_urn,
            resource_urns=resources,
            source_type=source_type,
            source_urn=source_urn,
            priority=input.priority,
            assignee_urns=input.assignee_urns,
            started_at=input.started_at,
            status=input.status.to_spec() if input.status else None,
        )
        return await incident_service.raise_incident(
            writer=ctx.writer,
            spec=spec,
            actor=ctx.principal.urn,
            require_note=ctx.settings.require_resolution_note,
            access=incident_access(info),
            result_ids=ids,
        )

    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description='Set an incident\'s state, stage and message; returns "true".',
    )
    async def update_incident_status(
        self,
        info: Info,
        urn: str,
        input: IncidentStatusInput,
        expected_version: ExpectedVersion = None,
    ) -> str | None:
        ctx = info.context
        await incident_service.update_incident_status(
            writer=ctx.writer,
            urn=urn,
            status=rules.check_status(input.to_spec()),
            actor=ctx.principal.urn,
            require_note=ctx.settings.require_resolution_note,
            expected_version=expected_version,
            access=incident_access(info),
        )
        return "true"

    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description="Change the given fields of an incident; omitted fields stay as they are.",
    )
    async def update_incident(
        self,
        info: Info,
        urn: str,
        input: UpdateIncidentInput,
        expected_version: ExpectedVersion = None,
    ) -> bool | None:
        status = _given(input.status)
        lead = _given(input.lead_urn)
        spec = rules.build_update(
            title=_given(input.title),
            description=_given(input.description),
            priority=_given(input.priority),
            started_at=_given(input.started_at),
            assignee_urns=_given(input.assignee_urns),
            resource_urns=_given(input.resource_urns),
            status=status.to_spec() if isinstance(status, IncidentStatusInput) else status,
            lead=lead if lead is UNSET else check_lead(lead),
        )
        ctx = info.context
        await incident_service.update_incident(
            writer=ctx.writer,
            urn=urn,
            spec=spec,
            actor=ctx.principal.urn,
            require_note=ctx.settings.require_resolution_note,
            expected_version=expected_version,
            access=incident_access(info),
        )
        return True
