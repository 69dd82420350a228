"""Expansion: outbox events become deliveries: one per channel the policies route them to,
and one per user a policy names (or on-call schedule it pages), told personally.

Runs in one writer unit per batch: the deliveries are inserted and the events marked
dispatched together, so an event is expanded exactly once even if the worker dies midway.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.events import DownstreamOwner, LinkedIncident, Notification
from incident_graph.domain.notifications import (
    EventFacts,
    PolicyMatch,
    QuietHours,
    matches,
    quiet_until,
)
from incident_graph.notify.live import CHANNEL as LIVE_CHANNEL
from incident_graph.notify.oncall import who_is_on_call
from incident_graph.store import catalog as catalog_store
from incident_graph.store import lineage
from incident_graph.store import notifications as notification_store
from incident_graph.store.notifications import NewDelivery, PendingEvent
from incident_graph.store.tables import NotificationPolicy


@dataclass(frozen=True, slots=True)
class ExpandSettings:
    base_url: str
    downstream_depth: int
    batch: int


def incident_link(base_url: str, urn: str) -> str:
    """The stable link to an incident: its page in the web console, where the person notified
    can act on it (documented in the README). Colons and commas stay readable, as the console
    writes its own links."""
    return f"{base_url.rstrip('/')}/incidents/{quote(urn, safe=':,')}"


@dataclass(slots=True)
class _Context:
    """What a batch of events needs, loaded in a few statements for the whole batch."""

    asset_ids: dict[str, int]
    tags: dict[int, set[str]]
    owners: dict[int, list[str]]
    downstream: dict[int, list[tuple[int, int]]]
    downstream_urns: dict[int, str]
    subscribers: dict[int, list[str]]


async def _load(session: AsyncSession, events: list[PendingEvent], depth: int) -> _Context:
    urns = sorted({a["urn"] for e in events for a in e.payload["assets"]})
    asset_ids, tags = await notification_store.assets_with_tags(session, urns=urns)
    reached = await lineage.walk(
        session, start_ids=list(asset_ids.values()), depth=depth, upstream=False
    )
    downstream = {a: [(r.asset_id, r.depth) for r in rs] for a, rs in reached.items()}
    everyone = set(asset_ids.values()) | {d for rs in downstream.values() for d, _ in rs}
    owner_specs = await catalog_store.owners_by_asset(session, asset_ids=sorted(everyone))
    down_ids = sorted({d for rs in downstream.values() for d, _ in rs})
    return _Context(
        asset_ids=asset_ids,
        tags=tags,
        owners={a: [o.urn for o in specs] for a, specs in owner_specs.items()},
        downstream=downstream,
        downstream_urns=await notification_store.asset_urns_by_id(session, ids=down_ids),
        subscribers=await notification_store.subscribers_of(
            session, incident_ids=sorted({e.incident_id for e in events})
        ),
    )


def _expanded(event: PendingEvent, ctx: _Context, base_url: str) -> Notification:
    """The event with its link and the people it concerns (its recipients come later)."""
    payload = event.payload
    assets = payload["assets"]
    ids = [ctx.asset_ids[a["urn"]] for a in assets if a["urn"] in ctx.asset_ids]
    own = set(ids)
    owners = list(dict.fromkeys(o for a in ids for o in ctx.owners.get(a, [])))
    downstream_owners: list[DownstreamOwner] = []
    seen: set[tuple[str, str]] = set()
    for a in ids:
        for down, depth in ctx.downstream.get(a, []):
            if down in own:
                continue
            for owner in ctx.owners.get(down, []):
                key = (owner, ctx.downstream_urns[down])
                if key not in seen:
                    seen.add(key)
                    downstream_owners.append(
                        DownstreamOwner(owner=owner, asset=key[1], depth=depth)
                    )
    incident = payload["incident"]
    return Notification(
        event=payload["event"],
        time=payload["time"],
        actor=payload["actor"],
        incident=LinkedIncident(**incident, link=incident_link(base_url, incident["urn"])),
        assets=assets,
        extra=payload["extra"],
        asset=assets[0] if assets else None,
        owners=owners,
        downstreamOwners=downstream_owners,
        subscribers=ctx.subscribers.get(event.incident_id, []),
        eventId=event.id,
        recipients=[],
    )


def _facts(notification: Notification, ctx: _Context) -> EventFacts:
    assets = notification["assets"]
    ids = [ctx.asset_ids[a["urn"]] for a in assets if a["urn"] in ctx.asset_ids]
    return EventFacts(
        kind=notification["event"],
        priority=notification["incident"]["priority"],
        incident_type=notification["incident"]["type"],
        platforms=frozenset(a["platform"] for a in assets if a["platform"]),
        asset_urns=frozenset(a["urn"] for a in assets),
        tags=frozenset(t for a in ids for t in ctx.tags.get(a, set())),
    )


def _quiet(policy: NotificationPolicy) -> QuietHours | None:
    if policy.quiet_start is None or policy.quiet_end is None:
        return None
    return QuietHours(policy.quiet_start, policy.quiet_end, policy.quiet_time_zone or "UTC")


async def expand_pending(
    session: AsyncSession, *, settings: ExpandSettings, now_ms: int
) -> list[int]:
    """Expand up to one batch of undispatched events; returns the ids expanded."""
    events = await notification_store.pending_events(session, limit=settings.batch)
    if not events:
        return []
    channels = {c.id for c in await notification_store.all_channels(session)}
    policies = await notification_store.all_policies(session)
    ctx = await _load(session, events, settings.downstream_depth)
    on_call = await who_is_on_call(
        session,
        schedule_ids=sorted({s for p in policies for s in p.oncall_schedule_ids or []}),
        at_ms=now_ms,
    )
    rows: list[NewDelivery] = []
    for event in events:
        notification = _expanded(event, ctx, settings.base_url)
        facts = _facts(notification, ctx)
        due: dict[int, int] = {}
        # Policy-named users and on-call schedules, each with the earliest time a policy
        # lets it go out: they are told personally, once per event.
        people: dict[str, int] = {}
        pagers: dict[int, int] = {}
        for policy in policies:
            if not matches(PolicyMatch.from_json(policy.match), facts):
                continue
            held = quiet_until(_quiet(policy), priority=facts.priority, now_ms=now_ms)
            at = now_ms if held is None else held
            for channel_id in policy.channel_ids:
                if channel_id in channels:
                    due[channel_id] = min(due.get(channel_id, at), at)
            for user in policy.user_urns:
                people[user] = min(people.get(user, at), at)
            for schedule_id in policy.oncall_schedule_ids or []:
                pagers[schedule_id] = min(pagers.get(schedule_id, at), at)
        recipients = list(
            dict.fromkeys(
                [
                    *notification["owners"],
                    *(d["owner"] for d in notification["downstreamOwners"]),
                    *notification["subscribers"],
                    *notification["extra"].get("mentions", []),
                    *people,
                ]
            )
        )
        # The event shows who is on call as it is processed; each delivery looks again when
        # it is sent (quiet hours may hold it past a handoff).
        notification["recipients"] = list(
            dict.fromkeys([*recipients, *(on_call[s].user_urn for s in pagers if s in on_call)])
        )
        schedules = sorted(pagers) or None

        rows += [
            NewDelivery(event.id, at, channel_id=c, recipients=recipients, oncall=schedules)
            for c, at in sorted(due.items())
        ]
        rows += [NewDelivery(event.id, at, user_urn=u, recipients=[u]) for u, at in people.items()]
        rows += [NewDelivery(event.id, at, oncall=[s]) for s, at in sorted(pagers.items())]
        await notification_store.mark_dispatched(
            session, event_id=event.id, notification=notification
        )
    await notification_store.insert_deliveries(session, deliveries=rows, now_ms=now_ms)
    ids = [e.id for e in events]
    await notification_store.notify_listeners(session, channel=LIVE_CHANNEL, event_ids=ids)
    return ids


__all__ = ["ExpandSettings", "expand_pending", "incident_link"]
