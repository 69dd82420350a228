"""DataHub's Operation: a change a pipeline or platform made to a dataset."""

from __future__ import annotations

import strawberry

from incident_graph.api.enums import OperationSourceType, OperationType
from incident_graph.api.maps import StringMapEntry
from incident_graph.api.scalars import Long
from incident_graph.store.tables import AssetOperation


@strawberry.type(description="A change to a dataset's data (DataHub's Operation).")
class Operation:
    row: strawberry.Private[AssetOperation]

    @strawberry.field(description="When the operation was reported (epoch milliseconds).")
    def timestamp_millis(self) -> Long:
        return Long(self.row.time_ms)

    @strawberry.field(description="When the data was last updated (epoch milliseconds).")
    def last_updated_timestamp(self) -> Long:
        return Long(self.row.last_updated_ms)

    @strawberry.field
    def actor(self) -> str | None:
        return self.row.actor

    @strawberry.field
    def operation_type(self) -> OperationType:
        return self.row.operation_type

    @strawberry.field
    def custom_operation_type(self) -> str | None:
        return self.row.custom_operation_type

    @strawberry.field
    def source_type(self) -> OperationSourceType | None:
        return self.row.source_type

    @strawberry.field
    def num_affected_rows(self) -> Long | None:
        rows = self.row.num_affected_rows
        return None if rows is None else Long(rows)

    @strawberry.field
    def partition(self) -> str | None:
        return self.row.partition

    @strawberry.field
    def custom_properties(self) -> list[StringMapEntry] | None:
        props = self.row.custom_properties
        return None if props is None else [StringMapEntry(key=str(k), value=v) for k, v in props]
