"""Notification write operations: channels, policies and redelivery."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.egress import EgressPolicy
from incident_graph.domain.errors import BadUserInputError, ConflictError, NotFoundError
from incident_graph.domain.notifications import ChannelSpec, PolicySpec, display_url
from incident_graph.notify.egress import url_refusal
from incident_graph.notify.secrets import Keyring
from incident_graph.store import Writer
from incident_graph.store import notifications as notification_store
from incident_graph.store import oncall as oncall_store


async def create_channel(
    *, writer: Writer, spec: ChannelSpec, actor: str, keyring: Keyring, egress: EgressPolicy
) -> int:
    """Create a channel with its secrets encrypted; BAD_USER_INPUT when its URL points where
    notifications may not go, CONFLICT when the name is taken. Returns its id."""
    url = spec.config.get("url")
    if url:
        refusal = await url_refusal(egress, url)
        if refusal is not None:
            raise BadUserInputError(f"url {display_url(url)} is refused: {refusal}", field="url")
    sealed = replace(spec, config=keyring.seal(spec.config))

    async def unit(session: AsyncSession) -> int:
        channel_id = await notification_store.insert_channel(
            session, spec=sealed, actor=actor, now_ms=writer.clock()
        )
        if channel_id is None:
            raise ConflictError(
                f"a notification channel named {spec.name!r} exists; choose another name"
            )
        return channel_id

    return await writer.run(unit)


async def create_policy(*, writer: Writer, spec: PolicySpec, actor: str) -> int:
    """Create a policy routing to existing channels; CONFLICT when the name is taken."""

    async def unit(session: AsyncSession) -> int:
        known = await notification_store.existing_channel_ids(session, ids=spec.channel_ids)
        missing = [c for c in spec.channel_ids if c not in known]
        if missing:
            raise BadUserInputError(
                f"channelIds {missing} name no channel; use ids from createNotificationChannel",
                field="channelIds",
            )
        schedules = await oncall_store.schedules_by_id(session, ids=spec.oncall_schedule_ids)
        unknown = [s for s in spec.oncall_schedule_ids if s not in schedules]
        if unknown:
            raise BadUserInputError(
                f"onCallScheduleIds {unknown} name no schedule; use ids from createOnCallSchedule",
                field="onCallScheduleIds",
            )
        policy_id = await notification_store.insert_policy(
            session, spec=spec, actor=actor, now_ms=writer.clock()
        )
        if policy_id is None:
            raise ConflictError(
                f"a notification policy named {spec.name!r} exists; choose another name"
            )
        return policy_id

    return await writer.run(unit)


async def redeliver(*, writer: Writer, delivery_id: int) -> None:
    """Queue a delivery to be sent again now, with a fresh attempt budget."""

    async def unit(session: AsyncSession) -> None:
        delivery = await notification_store.get_delivery(
            session, delivery_id=delivery_id, for_update=True
        )
        if delivery is None:
            raise NotFoundError(f"no delivery {delivery_id}; list them with deliveries(status)")
        await notification_store.requeue(session, delivery_id=delivery_id, now_ms=writer.clock())

    await writer.run(unit)
