"""Lifecycle write operations: acknowledge, root cause, comments and subscriptions."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.privileges import IncidentAccess, run_checked
from incident_graph.domain import lifecycle as rules
from incident_graph.domain.changes import IncidentChange
from incident_graph.domain.enums import EventKind, SubscriptionReason
from incident_graph.domain.errors import ForbiddenError, NotFoundError
from incident_graph.domain.ids import parse_id
from incident_graph.domain.incidents import RootCause
from incident_graph.domain.notifications import NotifyKind
from incident_graph.notify import outbox
from incident_graph.services.incidents import locked
from incident_graph.store import Writer
from incident_graph.store import incidents as incident_store
from incident_graph.store import lifecycle as lifecycle_store


async def acknowledge(
    *,
    writer: Writer,
    urn: str,
    actor: str,
    expected_version: int | None = None,
    access: IncidentAccess | None = None,
) -> bool:
    """Record who acknowledged the incident and when; False when it already was (no change)."""

    async def unit(session: AsyncSession) -> bool:
        incident = await locked(session, urn, expected_version, access=access)
        if incident.row.acknowledged_ms is not None:
            return False
        now = writer.clock()
        await incident_store.apply_change(
            session,
            incident=incident,
            kind=EventKind.ACKNOWLEDGED,
            change=rules.acknowledgement(actor=actor, now_ms=now),
            actor=actor,
            now_ms=now,
        )
        return True

    return await run_checked(writer, unit)


async def set_root_cause(
    *,
    writer: Writer,
    urn: str,
    root_cause: RootCause,
    actor: str,
    expected_version: int | None = None,
    access: IncidentAccess | None = None,
) -> None:
    """Record or correct why the incident happened (at or after resolution)."""

    async def unit(session: AsyncSession) -> None:
        incident = await locked(session, urn, expected_version, access=access)
        await incident_store.apply_change(
            session,
            incident=incident,
            kind=EventKind.ROOT_CAUSE_SET,
            change=rules.root_cause_change(root_cause),
            actor=actor,
            now_ms=writer.clock(),
        )

    await run_checked(writer, unit)


async def add_comment(
    *,
    writer: Writer,
    urn: str,
    text: str,
    actor: str,
    expected_version: int | None = None,
    access: IncidentAccess | None = None,
) -> int:
    """Comment on an incident; @mentioned users are subscribed. Returns the comment id."""
    text = rules.check_comment(text)

    async def unit(session: AsyncSession) -> int:
        incident = await locked(session, urn, expected_version, access=access)
        now = writer.clock()
        comment_id = await lifecycle_store.insert_comment(
            session, incident_id=incident.id, author=actor, text=text, now_ms=now
        )
        await incident_store.apply_change(
            session,
            incident=incident,
            kind=EventKind.COMMENTED,
            change=IncidentChange(),
            actor=actor,
            now_ms=now,
            timeline={"new": {"comment": text}, "commentId": comment_id},
        )
        await lifecycle_store.subscribe(
            session,
            incident_id=incident.id,
            users=rules.mentions(text),
            reason=SubscriptionReason.MENTIONED,
            now_ms=now,
        )
        await outbox.record(
            session,
            kind=NotifyKind.INCIDENT_COMMENT,
            incident=incident,
            actor=actor,
            now_ms=now,
            extra={
                "comment": text,
                "commentId": comment_id,
                "mentions": list(rules.mentions(text)),
            },
        )
        return comment_id

    return await run_checked(writer, unit)


def _comment_id(raw: str) -> int:
    return parse_id(
        raw, field="commentId", refusal=f"comment id {raw!r} is not one addIncidentComment returned"
    )


async def edit_comment(
    *,
    writer: Writer,
    urn: str,
    comment_id: str,
    text: str,
    actor: str,
    expected_version: int | None = None,
    access: IncidentAccess | None = None,
) -> None:
    """Change a comment's text; only its author may. The timeline keeps both texts."""
    text = rules.check_comment(text)
    wanted = _comment_id(comment_id)

    async def unit(session: AsyncSession) -> None:
        incident = await locked(session, urn, expected_version, access=access)
        comment = await lifecycle_store.get_comment(
            session, incident_id=incident.id, comment_id=wanted
        )
        if comment is None:
            raise NotFoundError(f"incident {urn!r} has no comment {comment_id!r}")
        if comment.author != actor:
            reason = f"only the comment's author ({comment.author}) can edit it; add a new comment"
            if access is not None:
                raise access.refusal(reason, subject=f"{urn} comment {comment.id}")
            raise ForbiddenError(reason)
        now = writer.clock()
        await incident_store.apply_change(
            session,
            incident=incident,
            kind=EventKind.COMMENT_EDITED,
            change=IncidentChange(),
            actor=actor,
            now_ms=now,
            timeline={
                "old": {"comment": comment.text},
                "new": {"comment": text},
                "commentId": comment.id,
            },
        )
        await lifecycle_store.set_comment_text(
            session, comment_id=comment.id, text=text, now_ms=now
        )
        await lifecycle_store.subscribe(
            session,
            incident_id=incident.id,
            users=rules.mentions(text),
            reason=SubscriptionReason.MENTIONED,
            now_ms=now,
        )

    await run_checked(writer, unit)


async def set_subscription(*, writer: Writer, urn: str, user: str, subscribed: bool) -> None:
    """Follow or stop following an incident (not a change to the incident: no event)."""

    async def unit(session: AsyncSession) -> None:
        incident = await incident_store.get_incident(session, urn=urn)
        if incident is None:
            raise NotFoundError(f"no incident {urn!r}; check the URN returned by raiseIncident")
        if subscribed:
            await lifecycle_store.subscribe(
                session,
                incident_id=incident.id,
                users=[user],
                reason=SubscriptionReason.SUBSCRIBED,
                now_ms=writer.clock(),
            )
        else:
            await lifecycle_store.unsubscribe(session, incident_id=incident.id, user_urn=user)

    await writer.run(unit)
