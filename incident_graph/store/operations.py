"""Operations on assets: stored as reported, read newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.operations import OperationFilter, OperationSpec
from incident_graph.store.tables import AssetOperation, core_table

OPERATIONS: Final = core_table(AssetOperation)
_COLUMNS: Final = {
    "sourceType": AssetOperation.source_type,
    "operationType": AssetOperation.operation_type,
    "partition": AssetOperation.partition,
    "customOperationType": AssetOperation.custom_operation_type,
}


async def insert_operation(
    session: AsyncSession, *, spec: OperationSpec, asset_id: int, now_ms: int
) -> None:
    await session.execute(
        OPERATIONS.insert().values(
            asset_id=asset_id,
            time_ms=spec.time_ms,
            last_updated_ms=spec.last_updated_ms,
            operation_type=spec.operation_type,
            custom_operation_type=spec.custom_operation_type,
            source_type=spec.source_type,
            actor=spec.actor,
            num_affected_rows=spec.num_affected_rows,
            partition=spec.partition,
            custom_properties=[list(p) for p in spec.custom_properties] or None,
            created_ms=now_ms,
        )
    )


async def operations_of(
    session: AsyncSession,
    *,
    asset_id: int,
    start_ms: int | None,
    end_ms: int | None,
    flt: OperationFilter,
    limit: int,
) -> Sequence[AssetOperation]:
    """An asset's operations within [start_ms, end_ms] matching `flt`, newest first."""
    conditions: list[ColumnElement[bool]] = [AssetOperation.asset_id == asset_id]
    if start_ms is not None:
        conditions.append(AssetOperation.time_ms >= start_ms)
    if end_ms is not None:
        conditions.append(AssetOperation.time_ms <= end_ms)
    conditions.extend(_COLUMNS[field].in_(values) for field, values in flt.values)
    rows = await session.scalars(
        select(AssetOperation)
        .where(*conditions)
        .order_by(AssetOperation.time_ms.desc(), AssetOperation.id.desc())
        .limit(limit)
    )
    return rows.all()
