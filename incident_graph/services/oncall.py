"""On-call write operations: schedules and overrides."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.errors import ConflictError, NotFoundError
from incident_graph.domain.oncall import Override, Rotation
from incident_graph.store import Writer
from incident_graph.store import oncall as oncall_store


async def create_schedule(*, writer: Writer, rotation: Rotation, actor: str) -> int:
    """Create an on-call schedule; CONFLICT when the name is taken. Returns its id."""

    async def unit(session: AsyncSession) -> int:
        schedule_id = await oncall_store.insert_schedule(
            session, rotation=rotation, actor=actor, now_ms=writer.clock()
        )
        if schedule_id is None:
            raise ConflictError(
                f"an on-call schedule named {rotation.name!r} exists; choose another name"
            )
        return schedule_id

    return await writer.run(unit)


async def add_override(*, writer: Writer, schedule_id: int, override: Override) -> int:
    """Put someone on call for a while, whatever the rotation says."""

    async def unit(session: AsyncSession) -> int:
        found = await oncall_store.schedules_by_id(session, ids=[schedule_id])
        if not found:
            raise NotFoundError(f"no on-call schedule {schedule_id}; create it first")
        return await oncall_store.insert_override(
            session, schedule_id=schedule_id, override=override, now_ms=writer.clock()
        )

    return await writer.run(unit)
