"""On-call schedules and their overrides."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.oncall import Override, Rotation
from incident_graph.store.dialect import dialect_of
from incident_graph.store.tables import OnCallOverride, OnCallSchedule


async def insert_schedule(
    session: AsyncSession, *, rotation: Rotation, actor: str, now_ms: int
) -> int | None:
    """The new schedule's id; None when the name is taken."""
    row = {
        "name": rotation.name,
        "members": list(rotation.members),
        "handoff": rotation.handoff,
        "length_days": rotation.length_days,
        "time_zone": rotation.time_zone,
        "start_date": rotation.start_date.isoformat(),
        "created_ms": now_ms,
        "created_actor": actor,
    }
    stmt = dialect_of(session).insert_ignore(OnCallSchedule).returning(OnCallSchedule.id)
    return (await session.execute(stmt, row)).scalar_one_or_none()


async def insert_override(
    session: AsyncSession, *, schedule_id: int, override: Override, now_ms: int
) -> int:
    result = await session.execute(
        insert(OnCallOverride)
        .values(
            schedule_id=schedule_id,
            user_urn=override.user_urn,
            start_ms=override.start_ms,
            end_ms=override.end_ms,
            created_ms=now_ms,
        )
        .returning(OnCallOverride.id)
    )
    return int(result.scalar_one())


async def schedules_by_id(
    session: AsyncSession, *, ids: Sequence[int]
) -> dict[int, OnCallSchedule]:
    rows = await session.scalars(select(OnCallSchedule).where(OnCallSchedule.id.in_(ids)))
    return {r.id: r for r in rows}


async def overrides_at(
    session: AsyncSession, *, schedule_ids: Sequence[int], at_ms: int
) -> dict[int, list[OnCallOverride]]:
    """The overrides covering a moment, oldest first (the last one wins)."""
    rows = await session.scalars(
        select(OnCallOverride)
        .where(
            OnCallOverride.schedule_id.in_(schedule_ids),
            OnCallOverride.start_ms <= at_ms,
            OnCallOverride.end_ms > at_ms,
        )
        .order_by(OnCallOverride.schedule_id, OnCallOverride.id)
    )
    out: dict[int, list[OnCallOverride]] = defaultdict(list)
    for row in rows:
        out[row.schedule_id].append(row)
    return out
