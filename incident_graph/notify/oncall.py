"""Who is on call now, read from the store and decided by the pure rotation rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.oncall import Override, Rotation, on_call
from incident_graph.store import oncall as oncall_store
from incident_graph.store.tables import OnCallSchedule


def rotation_of(row: OnCallSchedule) -> Rotation:
    return Rotation(
        name=row.name,
        members=tuple(row.members),
        handoff=row.handoff,
        length_days=row.length_days,
        time_zone=row.time_zone,
        start_date=date.fromisoformat(row.start_date),
    )


@dataclass(frozen=True, slots=True)
class OnCall:
    schedule_id: int
    user_urn: str
    from_override: bool


async def who_is_on_call(
    session: AsyncSession, *, schedule_ids: Sequence[int], at_ms: int
) -> dict[int, OnCall]:
    """The person on call in each schedule at `at_ms` (unknown schedules are left out)."""
    schedules = await oncall_store.schedules_by_id(session, ids=schedule_ids)
    if not schedules:
        return {}
    overrides = await oncall_store.overrides_at(session, schedule_ids=list(schedules), at_ms=at_ms)
    out: dict[int, OnCall] = {}
    for schedule_id, row in schedules.items():
        covering = [Override(o.user_urn, o.start_ms, o.end_ms) for o in overrides[schedule_id]]
        user, overridden = on_call(rotation_of(row), covering, at_ms)
        out[schedule_id] = OnCall(schedule_id, user, overridden)
    return out
