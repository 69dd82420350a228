"""DataHub's reportOperation."""

from __future__ import annotations

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.enums import OperationSourceType, OperationType
from incident_graph.api.maps import StringMapEntryInput, pairs
from incident_graph.api.permissions import CanManageIncidents, incident_access
from incident_graph.api.scalars import Long
from incident_graph.domain.operations import build_operation
from incident_graph.services import operations as operation_service


@strawberry.input(description="An operation to report on a dataset (DataHub's shape).")
class ReportOperationInput:
    urn: str
    operation_type: OperationType
    source_type: OperationSourceType
    custom_operation_type: str | None = None
    custom_properties: list[StringMapEntryInput] | None = None
    partition: str | None = None
    num_affected_rows: Long | None = None
    timestamp_millis: Long | None = strawberry.field(
        default=None, description="When it happened; now when omitted."
    )


@strawberry.type
class OperationMutations:
    @strawberry.mutation(
        permission_classes=[CanManageIncidents],
        description='Record a change to a dataset\'s data (as DataHub does); returns "true".',
    )
    async def report_operation(self, info: Info, input: ReportOperationInput) -> str | None:
        ctx = info.context
        spec = build_operation(
            asset_urn=input.urn,
            now_ms=ctx.writer.clock(),
            timestamp_ms=input.timestamp_millis,
            operation_type=input.operation_type,
            source_type=input.source_type,
            custom_operation_type=input.custom_operation_type,
            actor=ctx.principal.urn,
            num_affected_rows=input.num_affected_rows,
            partition=input.partition,
            custom_properties=pairs(input.custom_properties),
        )
        await operation_service.report_operation(
            writer=ctx.writer, spec=spec, access=incident_access(info)
        )
        return "true"
