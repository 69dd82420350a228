"""Root fields for on-call schedules: createOnCallSchedule, addOnCallOverride, whoIsOnCall."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from incident_graph.api.context import Info
from incident_graph.api.incidents.mutations import CanWrite
from incident_graph.api.notifications.types import parse_id
from incident_graph.api.scalars import Long
from incident_graph.domain.errors import NotFoundError
from incident_graph.domain.oncall import build_override, build_rotation
from incident_graph.notify.oncall import who_is_on_call
from incident_graph.services import oncall as oncall_service
from incident_graph.store import oncall as oncall_store
from incident_graph.store.tables import OnCallSchedule as ScheduleRow


@strawberry.input(description="A rotation: members take turns, handing over at a local time.")
class OnCallScheduleInput:
    name: str
    members: list[str] = strawberry.field(description="urn:li:corpuser:<name>, in turn order.")
    handoff_time: str = strawberry.field(default="09:00", description='Local "HH:MM".')
    length_days: int = strawberry.field(default=7, description="Days each member is on call.")
    time_zone: str = strawberry.field(default="UTC", description="IANA name, e.g. Europe/Paris.")
    start_date: str | None = strawberry.field(
        default=None,
        description="The local date (YYYY-MM-DD) the first member starts; default today.",
    )


@strawberry.type
class OnCallSchedule:
    id: strawberry.ID
    name: str
    members: list[str]
    handoff_time: str
    length_days: int
    time_zone: str
    start_date: str


def _schedule(row: ScheduleRow) -> OnCallSchedule:
    return OnCallSchedule(
        id=strawberry.ID(str(row.id)),
        name=row.name,
        members=list(row.members),
        handoff_time=row.handoff,
        length_days=row.length_days,
        time_zone=row.time_zone,
        start_date=row.start_date,
    )


@strawberry.type(description="Who is on call in a schedule at a moment.")
class OnCallShift:
    schedule: OnCallSchedule
    user_urn: str
    at: Long
    from_override: bool


@strawberry.type
class OnCallQueries:
    @strawberry.field(description="Who is on call in a schedule at `at` (default now).")
    async def who_is_on_call(
        self, info: Info, schedule: strawberry.ID, at: Long | None = None
    ) -> OnCallShift:
        schedule_id = parse_id(schedule, "schedule")
        moment = info.context.writer.clock() if at is None else int(at)
        async with info.context.db.reading() as session:
            rows = await oncall_store.schedules_by_id(session, ids=[schedule_id])
            found = await who_is_on_call(session, schedule_ids=[schedule_id], at_ms=moment)
        if schedule_id not in rows:
            raise NotFoundError(f"no on-call schedule {schedule}; create it first")
        shift = found[schedule_id]
        return OnCallShift(
            schedule=_schedule(rows[schedule_id]),
            user_urn=shift.user_urn,
            at=Long(moment),
            from_override=shift.from_override,
        )


@strawberry.type
class OnCallMutations:
    @strawberry.mutation(permission_classes=[CanWrite], description="Create an on-call rotation.")
    async def create_on_call_schedule(
        self, info: Info, input: OnCallScheduleInput
    ) -> OnCallSchedule:
        rotation = build_rotation(
            name=input.name,
            members=input.members,
            handoff=input.handoff_time,
            length_days=input.length_days,
            time_zone_name=input.time_zone,
            start_date=input.start_date,
            today=datetime.now(UTC).date(),
        )
        ctx = info.context
        schedule_id = await oncall_service.create_schedule(
            writer=ctx.writer, rotation=rotation, actor=ctx.principal.urn
        )
        async with ctx.db.reading() as session:
            rows = await oncall_store.schedules_by_id(session, ids=[schedule_id])
        return _schedule(rows[schedule_id])

    @strawberry.mutation(
        permission_classes=[CanWrite],
        description="Put a user on call from start to end (epoch ms), whatever the rotation says.",
    )
    async def add_on_call_override(
        self, info: Info, schedule: strawberry.ID, user_urn: str, start: Long, end: Long
    ) -> bool:
        override = build_override(user_urn=user_urn, start_ms=int(start), end_ms=int(end))
        await oncall_service.add_override(
            writer=info.context.writer,
            schedule_id=parse_id(schedule, "schedule"),
            override=override,
        )
        return True
