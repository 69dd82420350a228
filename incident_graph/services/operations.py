"""Recording operations on assets (DataHub's reportOperation)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.privileges import IncidentAccess, run_checked
from incident_graph.domain.operations import OperationSpec
from incident_graph.store import Writer
from incident_graph.store import assets as asset_store
from incident_graph.store import operations as operation_store


async def report_operation(
    *, writer: Writer, spec: OperationSpec, access: IncidentAccess | None = None
) -> None:
    """Store an operation, registering its asset if it is new."""

    async def unit(session: AsyncSession) -> None:
        if access is not None:
            await access.check_raise(session, assets=[spec.asset])
        now = writer.clock()
        ids = await asset_store.ensure_assets(session, assets=[spec.asset], now_ms=now)
        await operation_store.insert_operation(
            session, spec=spec, asset_id=ids[spec.asset.urn], now_ms=now
        )

    await run_checked(writer, unit)
