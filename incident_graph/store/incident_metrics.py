"""incidentMetrics: counts over a time window, read in SQL from the timeline (both databases).

Per bucket, from the incident events (their `moved_to`, the state each one moved the incident
into): RAISED events count raised; every move into RESOLVED (a raise already resolved too)
counts resolved; each move into or out of ACTIVE nets into the active count. Active at a
bucket's end is the net of every such move before that end, so reopened incidents count again
while they are open. The mix and the durations are over the incidents raised in the window, by their
current values: time to acknowledge is acknowledgement minus raise, time to resolve is the
last resolution minus raise (unresolved incidents are left out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    case,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.enums import EventKind, IncidentState
from incident_graph.domain.incident_metrics import (
    MEDIAN,
    P90,
    BucketTally,
    DurationStats,
    MetricsWindow,
    duration_stats,
    ranked,
)
from incident_graph.domain.incident_search import IncidentCriteria
from incident_graph.store.incident_search import matching
from incident_graph.store.tables import (
    Asset,
    AssetOwner,
    Incident,
    IncidentAsset,
    IncidentEvent,
)

TEAM_PREFIX: Final = "urn:li:corpGroup:"
MIX_FIELDS: Final = ("state", "stage", "priority", "type", "source", "platform", "team")


@dataclass(frozen=True, slots=True)
class MetricsCounts:
    active_at_start: int
    # bucket index -> what happened in it; buckets without events are missing
    tallies: dict[int, BucketTally]
    raised: int
    # field -> (value, count), most frequent first; None is "not set" (no stage, no priority)
    mix: dict[str, list[tuple[str | None, int]]]
    time_to_acknowledge: DurationStats
    time_to_resolve: DurationStats


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


async def incident_metrics(
    session: AsyncSession, *, criteria: IncidentCriteria, window: MetricsWindow
) -> MetricsCounts:
    """Every figure of incidentMetrics for the incidents `criteria` keep, over `window`."""
    matched = await matching(session, criteria)
    keep: list[ColumnElement[bool]] = [] if matched is None else [Incident.id.in_(matched)]
    raised_in = [
        *keep,
        Incident.created_ms >= window.from_ms,
        Incident.created_ms < window.to_ms,
    ]
    start, tallies = await _tallies(session, matched, window)
    mix = await _mix(session, matched, window, raised_in)
    return MetricsCounts(
        active_at_start=start,
        tallies=tallies,
        raised=sum(n for _, n in mix["state"]),
        mix=mix,
        time_to_acknowledge=await _durations(
            session, Incident.acknowledged_ms - Incident.created_ms, raised_in
        ),
        time_to_resolve=await _durations(
            session,
            Incident.resolved_ms - Incident.created_ms,
            [*raised_in, Incident.state == IncidentState.RESOLVED],
        ),
    )


async def _tallies(
    session: AsyncSession, matched: Select[Any] | None, window: MetricsWindow
) -> tuple[int, dict[int, BucketTally]]:
    """The active count at `from` and each bucket's tally, in one pass over the state moves
    before `to` (ix_incident_events_moves; moves before `from` fall in bucket -1, where only
    their net counts)."""
    width = window.bucket.width_ms
    bucket = case(
        (IncidentEvent.time_ms < window.from_ms, literal(-1)),
        else_=(IncidentEvent.time_ms - window.from_ms) // width,
    ).label("bucket")
    into_active = IncidentEvent.moved_to == IncidentState.ACTIVE
    # Out of ACTIVE: every move into RESOLVED but a raise (which was in no state before).
    out_of_active = _moved_to_resolved() & (IncidentEvent.kind != EventKind.RAISED)
    conditions: list[ColumnElement[bool]] = [
        IncidentEvent.moved_to.isnot(None),
        IncidentEvent.time_ms < window.to_ms,
    ]
    if matched is not None:
        conditions.append(IncidentEvent.incident_id.in_(matched))
    moves = (
        select(
            bucket,
            func.sum(_flag(IncidentEvent.kind == EventKind.RAISED)),
            func.sum(_flag(_moved_to_resolved())),
            func.sum(_flag(into_active) - _flag(out_of_active)),
        )
        .where(*conditions)
        .group_by(bucket)
    )
    start = 0
    tallies: dict[int, BucketTally] = {}
    for index, raised, resolved_n, delta in (await session.execute(moves)).all():
        if int(index) < 0:
            start = int(delta or 0)
        else:
            tallies[int(index)] = BucketTally(
                raised=int(raised or 0),
                resolved=int(resolved_n or 0),
                active_delta=int(delta or 0),
            )
    return start, tallies


async def _mix(
    session: AsyncSession,
    matched: Select[Any] | None,
    window: MetricsWindow,
    raised_in: list[ColumnElement[bool]],
) -> dict[str, list[tuple[str | None, int]]]:
    """Counts by each field, in one statement: one GROUP BY over the incidents' own fields
    (a few hundred combinations at most, summed here), plus platforms and owning teams, where
    an incident on two assets of one platform (or team) counts once for it.

    The links carry their incident's creation time, so platforms and teams find the incidents
    raised in the window from the links alone (an IN over 750,000 raised ids cost as much as
    the counting)."""
    linked: list[ColumnElement[bool]] = [
        IncidentAsset.created_ms >= window.from_ms,
        IncidentAsset.created_ms < window.to_ms,
    ]
    if matched is not None:
        linked.append(IncidentAsset.incident_id.in_(matched))
    columns = (
        Incident.state,
        Incident.stage,
        Incident.priority,
        Incident.incident_type,
        Incident.source_type,
    )
    own = (
        select(literal("own"), *columns, null(), func.count()).where(*raised_in).group_by(*columns)
    )
    nothing = (null(), null(), null(), null(), null())
    platforms = (
        select(
            literal("platform"),
            *nothing,
            Asset.platform,
            func.count(func.distinct(IncidentAsset.incident_id)),
        )
        .join(IncidentAsset, IncidentAsset.asset_id == Asset.id)
        .where(*linked, Asset.platform.isnot(None))
        .group_by(Asset.platform)
    )
    teams = (
        select(
            literal("team"),
            *nothing,
            AssetOwner.owner_urn,
            func.count(func.distinct(IncidentAsset.incident_id)),
        )
        .join(IncidentAsset, IncidentAsset.asset_id == AssetOwner.asset_id)
        .where(*linked, AssetOwner.owner_urn.startswith(TEAM_PREFIX))
        .group_by(AssetOwner.owner_urn)
    )
    sums: dict[str, dict[str | None, int]] = {f: {} for f in MIX_FIELDS}
    rows = cast(
        "Sequence[tuple[Any, ...]]",
        (await session.execute(union_all(own, platforms, teams))).all(),
    )
    for kind, *values, other, n in rows:
        if kind == "own":
            for field, value in zip(MIX_FIELDS[:5], values, strict=True):
                key = None if value is None else str(value)
                sums[field][key] = sums[field].get(key, 0) + int(n)
        else:
            sums[str(kind)][str(other)] = int(n)
    return {field: ranked(list(found.items())) for field, found in sums.items()}


async def _durations(
    session: AsyncSession,
    duration: ColumnElement[int | None],
    where: list[ColumnElement[bool]],
) -> DurationStats:
    """Count, sum, median and p90 (nearest rank, see domain.incident_metrics) of `duration`
    over the incidents `where` keeps that have one, in one statement."""
    values = select(duration.label("v")).where(*where, duration.isnot(None)).subquery("d")
    numbered = select(
        values.c.v,
        func.row_number().over(order_by=values.c.v).label("rn"),
        func.count().over().label("n"),
    ).subquery("r")

    def at_rank(percent: int) -> ColumnElement[Any]:
        rank = (percent * numbered.c.n + 99) // 100
        return func.max(case((numbered.c.rn == rank, numbered.c.v)))

    row = (
        await session.execute(
            select(
                func.count(),
                func.sum(numbered.c.v),
                at_rank(MEDIAN),
                at_rank(P90),
            ).select_from(numbered)
        )
    ).one()
    count, total, median, p90 = row
    return duration_stats(
        count=int(count),
        total_ms=None if total is None else int(total),
        median_ms=None if median is None else int(median),
        p90_ms=None if p90 is None else int(p90),
    )


@dataclass(frozen=True, slots=True)
class StateMove:
    """A raise or a move into RESOLVED, as the timeline recorded it (event id and time)."""

    event_id: int
    raised: bool
    resolved: bool
    # From the incident's raise to this resolution; None unless `resolved`.
    resolve_ms: int | None


def _moved_to_resolved() -> ColumnElement[bool]:
    return IncidentEvent.moved_to == IncidentState.RESOLVED


async def state_moves_after(session: AsyncSession, *, after_id: int) -> list[StateMove]:
    """Raises and resolutions recorded by events after `after_id`, oldest first (by the
    primary key: the events since a high-water mark, whatever their number before it)."""
    into_resolved = _moved_to_resolved()
    rows = await session.execute(
        select(
            IncidentEvent.id,
            IncidentEvent.kind == EventKind.RAISED,
            into_resolved,
            IncidentEvent.time_ms - Incident.created_ms,
        )
        .join(Incident, Incident.id == IncidentEvent.incident_id)
        .where(
            IncidentEvent.id > after_id,
            IncidentEvent.moved_to.isnot(None),
            (IncidentEvent.kind == EventKind.RAISED) | into_resolved,
        )
        .order_by(IncidentEvent.id)
    )
    return [
        StateMove(
            event_id=int(event_id),
            raised=bool(raised),
            resolved=bool(resolved),
            resolve_ms=int(took) if resolved else None,
        )
        for event_id, raised, resolved, took in rows
    ]


async def last_event_id(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.max(IncidentEvent.id))) or 0)


async def active_by_priority(session: AsyncSession) -> dict[str | None, int]:
    """Active incidents by priority (None: no priority), from the state index."""
    rows = await session.execute(
        select(Incident.priority, func.count())
        .where(Incident.state == IncidentState.ACTIVE)
        .group_by(Incident.priority)
    )
    return {None if p is None else str(p): int(n) for p, n in rows}


__all__ = [
    "MIX_FIELDS",
    "MetricsCounts",
    "StateMove",
    "active_by_priority",
    "incident_metrics",
    "last_event_id",
    "state_moves_after",
]
