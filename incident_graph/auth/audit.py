"""Writing refusals to the audit log: who, what, when, and why not."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.principal import Principal
from incident_graph.store import Writer
from incident_graph.store import audit as audit_store


async def record_refusal(
    *, writer: Writer, principal: Principal, operation: str, target: str | None, reason: str
) -> None:
    """Append a denied row in its own transaction (the refused operation itself changes nothing)."""

    async def unit(session: AsyncSession) -> None:
        await audit_store.append(
            session,
            actor=principal.urn,
            operation=operation,
            target=target,
            allowed=False,
            reason=reason,
            now_ms=writer.clock(),
        )

    await writer.run(unit)


async def record_allowed(
    session: AsyncSession, *, actor: str, operation: str, target: str | None, now_ms: int
) -> None:
    """Append an allowed row inside the caller's unit of work, so it commits with the change."""
    await audit_store.append(
        session,
        actor=actor,
        operation=operation,
        target=target,
        allowed=True,
        reason=None,
        now_ms=now_ms,
    )
