"""The audit log: append-only rows of who tried what, when, and whether it was allowed."""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.store.tables import AuditEntry


async def append(
    session: AsyncSession,
    *,
    actor: str,
    operation: str,
    target: str | None,
    allowed: bool,
    reason: str | None,
    now_ms: int,
) -> None:
    await session.execute(
        insert(AuditEntry).values(
            time_ms=now_ms,
            actor=actor,
            operation=operation,
            target=target,
            allowed=allowed,
            reason=reason,
        )
    )


async def page(session: AsyncSession, *, start: int, count: int) -> tuple[int, list[AuditEntry]]:
    """Newest first."""
    total = int((await session.execute(select(func.count()).select_from(AuditEntry))).scalar_one())
    rows = await session.scalars(
        select(AuditEntry)
        .order_by(AuditEntry.time_ms.desc(), AuditEntry.id.desc())
        .offset(start)
        .limit(count)
    )
    return total, list(rows)
