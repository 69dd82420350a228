"""Just before sending: who is on call now, and where a personal delivery's user reads email.

Runs in the unit that leases the deliveries, so what it finds is recorded with the lease: the
on-call person is looked up once, when a delivery is first sent (after quiet hours, if they
held it), and retries send the same message to the same people. Addresses are looked up at
every attempt, so a user given an email after a failure gets the redelivery.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.notify.oncall import who_is_on_call
from incident_graph.store import directory as directory_store
from incident_graph.store import notifications as notification_store
from incident_graph.store.notifications import PERSONAL, Claimed

USER_PREFIX = "urn:li:corpuser:"
GROUP_PREFIX = "urn:li:corpGroup:"


async def _resolve_on_call(
    session: AsyncSession, claimed: list[Claimed], *, now_ms: int
) -> list[Claimed]:
    schedule_ids = sorted({s for c in claimed for s in c.oncall_schedule_ids or ()})
    if not schedule_ids:
        return claimed
    on_call = await who_is_on_call(session, schedule_ids=schedule_ids, at_ms=now_ms)
    out: list[Claimed] = []
    for item in claimed:
        if item.oncall_schedule_ids is None:
            out.append(item)
            continue
        found = [on_call[s].user_urn for s in item.oncall_schedule_ids if s in on_call]
        if item.channel_kind != PERSONAL:
            recipients = tuple(dict.fromkeys([*item.recipients, *found]))
            await notification_store.settle_on_call(
                session, delivery_id=item.delivery_id, recipients=recipients, user_urn=None
            )
            out.append(replace(item, recipients=recipients, oncall_schedule_ids=None))
            continue
        user = found[0] if found else None
        if user is not None:
            # One personal delivery per user and event: if the on-call person already has
            # one (a policy names them too, or another schedule found them), keep that one.
            # (Two workers finding the same person at once would collide on the unique key;
            # one round fails and the next finds the other's row.)
            existing = await notification_store.personal_delivery(
                session, event_id=item.event_id, user_urn=user
            )
            if existing is not None:
                await notification_store.merge_into(
                    session, drop_id=item.delivery_id, keep=existing, next_attempt_ms=now_ms
                )
                continue
        await notification_store.settle_on_call(
            session,
            delivery_id=item.delivery_id,
            recipients=[user] if user else [],
            user_urn=user,
        )
        out.append(
            replace(
                item,
                user_urn=user,
                recipients=(user,) if user else (),
                oncall_schedule_ids=None,
                problem=None
                if user
                else f"on-call schedule {list(item.oncall_schedule_ids)} no longer exists",
            )
        )
    return out


async def _with_addresses(session: AsyncSession, claimed: list[Claimed]) -> list[Claimed]:
    wanted = [c.user_urn for c in claimed if c.channel_kind == PERSONAL and c.user_urn]
    if not wanted:
        return claimed
    groups = [u.removeprefix(GROUP_PREFIX) for u in wanted if u.startswith(GROUP_PREFIX)]
    members = await directory_store.member_names_of_groups(session, group_names=groups)
    names = {u.removeprefix(USER_PREFIX) for u in wanted if u.startswith(USER_PREFIX)}
    names |= {m for ms in members.values() for m in ms}
    emails = {
        u.name: u.email for u in await directory_store.users_by_names(session, names=sorted(names))
    }
    known = set(emails)
    out: list[Claimed] = []
    for item in claimed:
        urn = item.user_urn
        if item.channel_kind != PERSONAL or not urn:
            out.append(item)
            continue
        if urn.startswith(GROUP_PREFIX):
            team = members.get(urn.removeprefix(GROUP_PREFIX), [])
            found = tuple(dict.fromkeys(e for m in team if (e := emails.get(m))))
            problem = f"team {urn} has no member with an email address; add one, then redeliver"
        else:
            name = urn.removeprefix(USER_PREFIX)
            email = emails.get(name)
            found = (email,) if email else ()
            problem = (
                f"{urn} has no email address in the directory"
                if name in known
                else f"{urn} is not a known user: create it with an email address, then redeliver"
            )
        out.append(replace(item, addresses=found, problem=None if found else problem))
    return out


async def prepare(session: AsyncSession, claimed: list[Claimed], *, now_ms: int) -> list[Claimed]:
    """The leased deliveries, ready to send (on-call looked up, addresses found)."""
    resolved = await _resolve_on_call(session, claimed, now_ms=now_ms)
    return await _with_addresses(session, resolved)


__all__ = ["prepare"]
