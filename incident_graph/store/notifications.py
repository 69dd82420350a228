"""Outbox events, channels, policies, deliveries and their attempt log."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.events import EventPayload, Notification
from incident_graph.domain.notifications import (
    ChannelConfig,
    ChannelSpec,
    DeliveryStatus,
    NotifyKind,
    PolicySpec,
)
from incident_graph.store.batch import planning
from incident_graph.store.dialect import dialect_of
from incident_graph.store.tables import (
    Asset,
    AssetTag,
    Delivery,
    DeliveryAttempt,
    IncidentSubscriber,
    NotificationChannel,
    NotificationEvent,
    NotificationPolicy,
    core_table,
)

RETRYABLE = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


# Built once, on the Core table: every incident change writes one (an ORM-enabled INSERT
# built per call showed in the profile of a status change).
_EVENTS = core_table(NotificationEvent)
_INSERT_EVENT = _EVENTS.insert()


async def insert_event(
    session: AsyncSession, *, kind: NotifyKind, incident_id: int, payload: EventPayload, now_ms: int
) -> None:
    row = {
        "kind": kind,
        "incident_id": incident_id,
        "payload": payload,
        "created_ms": now_ms,
        "dispatched": False,
    }
    pending = planning(session)
    if pending is not None:
        pending.add_outbox_event(row)
        return
    await session.execute(_INSERT_EVENT, row)


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """An outbox event the worker has not expanded yet."""

    id: int
    incident_id: int
    payload: EventPayload


async def pending_events(session: AsyncSession, *, limit: int) -> list[PendingEvent]:
    """Undispatched events, oldest first; rows another worker holds are skipped (PostgreSQL)."""
    rows = await session.execute(
        select(NotificationEvent.id, NotificationEvent.incident_id, NotificationEvent.payload)
        .where(NotificationEvent.dispatched.is_(False))
        .order_by(NotificationEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    # The column holds what insert_event wrote until the event is dispatched.
    return [
        PendingEvent(i, incident, cast("EventPayload", payload)) for i, incident, payload in rows
    ]


async def mark_dispatched(
    session: AsyncSession, *, event_id: int, notification: Notification
) -> None:
    """The event is expanded: it now holds the notification its deliveries send."""
    await session.execute(
        update(NotificationEvent)
        .where(NotificationEvent.id == event_id)
        .values(dispatched=True, payload=notification)
    )


async def notifications_by_id(
    session: AsyncSession, *, ids: Sequence[int]
) -> dict[int, Notification]:
    """Dispatched events, as their deliveries send them."""
    rows = await session.execute(
        select(NotificationEvent.id, NotificationEvent.payload).where(
            NotificationEvent.id.in_(ids), NotificationEvent.dispatched.is_(True)
        )
    )
    return {event_id: cast("Notification", payload) for event_id, payload in rows}


async def all_channels(session: AsyncSession) -> list[NotificationChannel]:
    return list(await session.scalars(select(NotificationChannel).order_by(NotificationChannel.id)))


async def all_policies(session: AsyncSession) -> list[NotificationPolicy]:
    return list(await session.scalars(select(NotificationPolicy).order_by(NotificationPolicy.id)))


async def existing_channel_ids(session: AsyncSession, *, ids: Sequence[int]) -> set[int]:
    rows = await session.scalars(
        select(NotificationChannel.id).where(NotificationChannel.id.in_(ids))
    )
    return set(rows)


async def insert_channel(
    session: AsyncSession, *, spec: ChannelSpec, actor: str, now_ms: int
) -> int | None:
    """The new channel's id; None when the name is taken."""
    row = {
        "name": spec.name,
        "kind": spec.kind,
        "config": spec.config,
        "soda_event_names": spec.soda_event_names,
        "created_ms": now_ms,
        "created_actor": actor,
    }
    stmt = dialect_of(session).insert_ignore(NotificationChannel).returning(NotificationChannel.id)
    return (await session.execute(stmt, row)).scalar_one_or_none()


async def insert_policy(
    session: AsyncSession, *, spec: PolicySpec, actor: str, now_ms: int
) -> int | None:
    """The new policy's id; None when the name is taken."""
    row = {
        "name": spec.name,
        "match": spec.match.as_json(),
        "channel_ids": list(spec.channel_ids),
        "user_urns": list(spec.user_urns),
        "quiet_start": spec.quiet.start if spec.quiet else None,
        "quiet_end": spec.quiet.end if spec.quiet else None,
        "quiet_time_zone": spec.quiet.time_zone if spec.quiet else None,
        "oncall_schedule_ids": list(spec.oncall_schedule_ids),
        "created_ms": now_ms,
        "created_actor": actor,
    }
    stmt = dialect_of(session).insert_ignore(NotificationPolicy).returning(NotificationPolicy.id)
    return (await session.execute(stmt, row)).scalar_one_or_none()


async def update_channel_config(
    session: AsyncSession, *, channel_id: int, config: ChannelConfig
) -> None:
    await session.execute(
        update(NotificationChannel)
        .where(NotificationChannel.id == channel_id)
        .values(config=config)
    )


async def get_channel(session: AsyncSession, *, channel_id: int) -> NotificationChannel | None:
    return await session.get(NotificationChannel, channel_id)


async def get_policy(session: AsyncSession, *, policy_id: int) -> NotificationPolicy | None:
    return await session.get(NotificationPolicy, policy_id)


async def assets_with_tags(
    session: AsyncSession, *, urns: Sequence[str]
) -> tuple[dict[str, int], dict[int, set[str]]]:
    """Asset ids by URN and tag names by asset id, for the assets events name."""
    ids = dict(
        (await session.execute(select(Asset.urn, Asset.id).where(Asset.urn.in_(urns)))).all()
    )
    tags: dict[int, set[str]] = defaultdict(set)
    if ids:
        rows = await session.execute(
            select(AssetTag.asset_id, AssetTag.tag).where(AssetTag.asset_id.in_(ids.values()))
        )
        for asset_id, tag in rows:
            tags[asset_id].add(tag)
    return ids, tags


async def asset_urns_by_id(session: AsyncSession, *, ids: Sequence[int]) -> dict[int, str]:
    return dict((await session.execute(select(Asset.id, Asset.urn).where(Asset.id.in_(ids)))).all())


async def subscribers_of(
    session: AsyncSession, *, incident_ids: Sequence[int]
) -> dict[int, list[str]]:
    rows = await session.execute(
        select(IncidentSubscriber.incident_id, IncidentSubscriber.user_urn)
        .where(IncidentSubscriber.incident_id.in_(incident_ids))
        .order_by(IncidentSubscriber.incident_id, IncidentSubscriber.user_urn)
    )
    out: dict[int, list[str]] = defaultdict(list)
    for incident_id, user in rows:
        out[incident_id].append(user)
    return out


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """A delivery to make: to a channel, to a user personally, or to whoever is on call."""

    event_id: int
    at_ms: int
    channel_id: int | None = None
    user_urn: str | None = None
    recipients: list[str] = field(default_factory=list)
    # Schedules whose on-call person is looked up when the delivery is first sent.
    oncall: list[int] | None = None


async def insert_deliveries(
    session: AsyncSession, *, deliveries: Sequence[NewDelivery], now_ms: int
) -> None:
    """One delivery per (event, channel) and per (event, user); a second expansion of an event
    adds nothing."""
    if not deliveries:
        return
    # Every row has every column, so a batch is one multi-row INSERT.
    rows = [
        {
            "event_id": d.event_id,
            "channel_id": d.channel_id,
            "user_urn": d.user_urn,
            "oncall_schedule_ids": d.oncall,
            "recipients": d.recipients,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "next_attempt_ms": d.at_ms,
            "created_ms": now_ms,
        }
        for d in deliveries
    ]
    await session.execute(dialect_of(session).insert_ignore(Delivery), rows)


# The sender key of deliveries to a user personally (they have no channel).
PERSONAL = "PERSONAL"


@dataclass(frozen=True, slots=True)
class Claimed:
    """Everything needed to send one delivery, copied out of the session (no ORM objects)."""

    delivery_id: int
    attempts: int
    recipients: tuple[str, ...]
    event_id: int
    event_kind: NotifyKind
    payload: Notification
    # PERSONAL, with no name or config, for a delivery to user_urn.
    channel_name: str | None
    channel_kind: str
    channel_config: ChannelConfig
    soda_event_names: bool
    user_urn: str | None = None
    oncall_schedule_ids: tuple[int, ...] | None = None
    # Filled in before sending: a personal delivery's email addresses, and why there are none.
    addresses: tuple[str, ...] = ()
    problem: str | None = None


async def claim_due(
    session: AsyncSession, *, now_ms: int, limit: int, lease_ms: int, token: str
) -> list[Claimed]:
    """Lease due deliveries to this worker; rows other workers are claiming are skipped."""
    ids = list(
        await session.scalars(
            select(Delivery.id)
            .where(
                Delivery.status.in_(RETRYABLE),
                Delivery.next_attempt_ms <= now_ms,
                or_(Delivery.locked_until_ms.is_(None), Delivery.locked_until_ms <= now_ms),
            )
            .order_by(Delivery.next_attempt_ms, Delivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if not ids:
        return []
    await session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids))
        .values(locked_until_ms=now_ms + lease_ms, lock_token=token)
    )
    rows = await session.execute(
        select(
            Delivery.id,
            Delivery.attempts,
            Delivery.recipients,
            NotificationEvent.id,
            NotificationEvent.kind,
            NotificationEvent.payload,
            NotificationChannel.name,
            NotificationChannel.kind,
            NotificationChannel.config,
            NotificationChannel.soda_event_names,
            Delivery.user_urn,
            Delivery.oncall_schedule_ids,
        )
        .join(NotificationEvent, NotificationEvent.id == Delivery.event_id)
        .outerjoin(NotificationChannel, NotificationChannel.id == Delivery.channel_id)
        .where(Delivery.id.in_(ids))
        .order_by(Delivery.id)
    )
    return [
        Claimed(
            delivery_id=r[0],
            attempts=r[1],
            recipients=tuple(r[2]),
            event_id=r[3],
            event_kind=r[4],
            payload=cast("Notification", r[5]),
            channel_name=r[6],
            channel_kind=r[7] or PERSONAL,
            channel_config=cast("ChannelConfig", r[8] or {}),
            soda_event_names=bool(r[9]),
            user_urn=r[10],
            oncall_schedule_ids=None if r[11] is None else tuple(r[11]),
        )
        for r in rows
    ]


async def personal_delivery(
    session: AsyncSession, *, event_id: int, user_urn: str
) -> Delivery | None:
    stmt = select(Delivery).where(Delivery.event_id == event_id, Delivery.user_urn == user_urn)
    return (await session.scalars(stmt)).one_or_none()


async def settle_on_call(
    session: AsyncSession,
    *,
    delivery_id: int,
    recipients: Sequence[str],
    user_urn: str | None,
) -> None:
    """Record who the on-call lookup found; the delivery is not looked up again."""
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(recipients=list(recipients), user_urn=user_urn, oncall_schedule_ids=None)
    )


async def merge_into(
    session: AsyncSession, *, drop_id: int, keep: Delivery, next_attempt_ms: int
) -> None:
    """The on-call person already has this event's delivery: keep one, sent at the earlier time."""
    await session.execute(delete(Delivery).where(Delivery.id == drop_id))
    if keep.status in RETRYABLE and keep.next_attempt_ms > next_attempt_ms:
        await session.execute(
            update(Delivery).where(Delivery.id == keep.id).values(next_attempt_ms=next_attempt_ms)
        )


@dataclass(frozen=True, slots=True)
class Outcome:
    delivery_id: int
    ok: bool
    http_status: int | None
    error: str | None
    time_ms: int
    duration_ms: int
    # No retry can help (see SendResult.permanent): DEAD at once.
    permanent: bool = False


async def finish(
    session: AsyncSession,
    *,
    outcome: Outcome,
    token: str,
    status: DeliveryStatus,
    next_attempt_ms: int,
) -> None:
    """Log the attempt and settle the delivery, releasing this worker's lease."""
    await session.execute(
        insert(DeliveryAttempt).values(
            delivery_id=outcome.delivery_id,
            time_ms=outcome.time_ms,
            outcome="OK" if outcome.ok else "ERROR",
            http_status=outcome.http_status,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
    )
    await session.execute(
        update(Delivery)
        # A worker whose lease ran out and was taken over leaves the delivery to the new owner.
        .where(Delivery.id == outcome.delivery_id, Delivery.lock_token == token)
        .values(
            status=status,
            attempts=Delivery.attempts + 1,
            next_attempt_ms=next_attempt_ms,
            last_error=outcome.error,
            locked_until_ms=None,
            lock_token=None,
            delivered_ms=outcome.time_ms if outcome.ok else None,
        )
    )


async def deliveries_page(
    session: AsyncSession, *, status: DeliveryStatus | None, start: int, count: int
) -> tuple[int, list[Delivery]]:
    """Total and one page of deliveries, newest first."""
    conditions = [] if status is None else [Delivery.status == status]
    total = (
        await session.execute(select(func.count()).select_from(Delivery).where(*conditions))
    ).scalar_one()
    rows = await session.scalars(
        select(Delivery).where(*conditions).order_by(Delivery.id.desc()).offset(start).limit(count)
    )
    return int(total), list(rows)


async def get_delivery(
    session: AsyncSession, *, delivery_id: int, for_update: bool = False
) -> Delivery | None:
    stmt = select(Delivery).where(Delivery.id == delivery_id)
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    return (await session.scalars(stmt)).one_or_none()


async def attempts_by_delivery(
    session: AsyncSession, *, delivery_ids: Sequence[int]
) -> dict[int, list[DeliveryAttempt]]:
    rows = await session.scalars(
        select(DeliveryAttempt)
        .where(DeliveryAttempt.delivery_id.in_(delivery_ids))
        .order_by(DeliveryAttempt.delivery_id, DeliveryAttempt.id)
    )
    out: dict[int, list[DeliveryAttempt]] = defaultdict(list)
    for row in rows:
        out[row.delivery_id].append(row)
    return out


async def events_by_id(
    session: AsyncSession, *, ids: Sequence[int]
) -> dict[int, NotificationEvent]:
    rows = await session.scalars(select(NotificationEvent).where(NotificationEvent.id.in_(ids)))
    return {r.id: r for r in rows}


async def channels_by_id(
    session: AsyncSession, *, ids: Sequence[int]
) -> dict[int, NotificationChannel]:
    rows = await session.scalars(select(NotificationChannel).where(NotificationChannel.id.in_(ids)))
    return {r.id: r for r in rows}


async def requeue(session: AsyncSession, *, delivery_id: int, now_ms: int) -> None:
    """Send again now with a fresh attempt budget; the attempt log is kept."""
    await session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(
            status=DeliveryStatus.PENDING,
            attempts=0,
            next_attempt_ms=now_ms,
            locked_until_ms=None,
            lock_token=None,
        )
    )


async def notify_listeners(
    session: AsyncSession, *, channel: str, event_ids: Sequence[int]
) -> None:
    """Tell listening servers about these events, when (and only if) this transaction commits."""
    # NOTIFY payloads are limited to 8,000 bytes: send the ids in slices.
    ids = list(event_ids)
    slices = [",".join(str(i) for i in ids[k : k + 500]) for k in range(0, len(ids), 500)]
    await dialect_of(session).notify(session, channel=channel, payloads=slices)
