"""Comments, subscribers, the timeline and a user's incidents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.enums import IncidentState, SubscriptionReason
from incident_graph.store.batch import planning
from incident_graph.store.dialect import dialect_of
from incident_graph.store.tables import (
    Incident,
    IncidentAssignee,
    IncidentComment,
    IncidentEvent,
    IncidentSubscriber,
)


async def subscribe(
    session: AsyncSession,
    *,
    incident_id: int,
    users: Sequence[str],
    reason: SubscriptionReason,
    now_ms: int,
) -> None:
    """Subscribe users not yet subscribed; an existing subscription keeps its first reason."""
    if not users:
        return
    rows = [
        {"incident_id": incident_id, "user_urn": u, "reason": reason, "created_ms": now_ms}
        for u in sorted(set(users))
    ]
    pending = planning(session)
    if pending is not None:
        pending.subscribe(rows)
        return
    await session.execute(dialect_of(session).insert_ignore(IncidentSubscriber), rows)


async def unsubscribe(session: AsyncSession, *, incident_id: int, user_urn: str) -> None:
    await session.execute(
        delete(IncidentSubscriber).where(
            IncidentSubscriber.incident_id == incident_id, IncidentSubscriber.user_urn == user_urn
        )
    )


async def subscribers_by_incident(
    session: AsyncSession, *, incident_ids: Sequence[int]
) -> dict[int, list[IncidentSubscriber]]:
    rows = await session.scalars(
        select(IncidentSubscriber)
        .where(IncidentSubscriber.incident_id.in_(incident_ids))
        .order_by(IncidentSubscriber.created_ms, IncidentSubscriber.user_urn)
    )
    out: dict[int, list[IncidentSubscriber]] = defaultdict(list)
    for row in rows:
        out[row.incident_id].append(row)
    return out


async def insert_comment(
    session: AsyncSession, *, incident_id: int, author: str, text: str, now_ms: int
) -> int:
    result = await session.execute(
        insert(IncidentComment)
        .values(incident_id=incident_id, author=author, text=text, created_ms=now_ms)
        .returning(IncidentComment.id)
    )
    return int(result.scalar_one())


async def get_comment(
    session: AsyncSession, *, incident_id: int, comment_id: int
) -> IncidentComment | None:
    result = await session.scalars(
        select(IncidentComment)
        .where(IncidentComment.id == comment_id, IncidentComment.incident_id == incident_id)
        .execution_options(populate_existing=True)
    )
    return result.one_or_none()


async def set_comment_text(
    session: AsyncSession, *, comment_id: int, text: str, now_ms: int
) -> None:
    await session.execute(
        update(IncidentComment)
        .where(IncidentComment.id == comment_id)
        .values(text=text, edited_ms=now_ms)
    )


async def comments_page(
    session: AsyncSession, *, incident_id: int, start: int, count: int
) -> tuple[int, list[IncidentComment]]:
    """Total and one page of an incident's comments, oldest first."""
    where = IncidentComment.incident_id == incident_id
    total = (
        await session.execute(select(func.count()).select_from(IncidentComment).where(where))
    ).scalar_one()
    rows = await session.scalars(
        select(IncidentComment).where(where).order_by(IncidentComment.id).offset(start).limit(count)
    )
    return int(total), list(rows)


async def events_page(
    session: AsyncSession, *, incident_id: int, start: int, count: int
) -> tuple[int, list[IncidentEvent]]:
    """Total and one page of an incident's timeline, oldest first."""
    where = IncidentEvent.incident_id == incident_id
    total = (
        await session.execute(select(func.count()).select_from(IncidentEvent).where(where))
    ).scalar_one()
    rows = await session.scalars(
        select(IncidentEvent).where(where).order_by(IncidentEvent.id).offset(start).limit(count)
    )
    return int(total), list(rows)


async def incidents_of_user(
    session: AsyncSession,
    *,
    user_urn: str,
    state: IncidentState | None,
    start: int,
    count: int,
) -> tuple[int, list[Incident]]:
    """Incidents the user leads, is assigned to or follows; most recently changed first."""
    conditions = [
        or_(
            Incident.lead_urn == user_urn,
            Incident.id.in_(
                select(IncidentAssignee.incident_id).where(
                    IncidentAssignee.assignee_urn == user_urn
                )
            ),
            Incident.id.in_(
                select(IncidentSubscriber.incident_id).where(
                    IncidentSubscriber.user_urn == user_urn
                )
            ),
        )
    ]
    if state is not None:
        conditions.append(Incident.state == state)
    total = (
        await session.execute(select(func.count()).select_from(Incident).where(*conditions))
    ).scalar_one()
    rows = await session.scalars(
        select(Incident)
        .where(*conditions)
        .order_by(Incident.updated_ms.desc(), Incident.id.desc())
        .offset(start)
        .limit(count)
    )
    return int(total), list(rows)
