"""searchIncidents: incidents across the organisation, filtered, sorted, paged, with facets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final, cast

from sqlalchemy import ColumnElement, Select, case, func, null, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.enums import IncidentPriority
from incident_graph.domain.incident_search import (
    IncidentCriteria,
    IncidentSort,
    IncidentSortField,
    IncidentSortOrder,
)
from incident_graph.store import fulltext
from incident_graph.store.tables import Asset, AssetOwner, Incident, IncidentAsset, IncidentAssignee

STATE: Final = "state"
STAGE: Final = "stage"
PRIORITY: Final = "priority"
TYPE: Final = "type"
PLATFORM: Final = "platform"
FACETS: Final = (STATE, STAGE, PRIORITY, TYPE, PLATFORM)
# Up to this many incidents left by the filters, SQLite looks each up in the word index
# (about 50 us each) rather than walking every incident holding the words.
PROBE_LIMIT: Final = 200

_PRIORITY_RANK = case(
    {p.value: rank for rank, p in enumerate(IncidentPriority, start=1)},
    value=Incident.priority,
    else_=None,
)


@dataclass(frozen=True, slots=True)
class IncidentHits:
    # Matches considered: all of them, or the `max_matches` most recently raised.
    total: int
    # More incidents match than were considered; total is a lower bound.
    capped: bool
    incidents: list[Incident]
    # facet -> value -> count over the matches considered, most frequent first
    facets: dict[str, dict[str, int]]


def _on_assets(*conditions: ColumnElement[bool], owners: bool = False) -> ColumnElement[bool]:
    linked = select(IncidentAsset.incident_id).join(Asset, Asset.id == IncidentAsset.asset_id)
    if owners:
        linked = linked.join(AssetOwner, AssetOwner.asset_id == IncidentAsset.asset_id)
    return Incident.id.in_(linked.where(*conditions))


def _conditions(criteria: IncidentCriteria) -> list[ColumnElement[bool]]:
    c = criteria
    out: list[ColumnElement[bool]] = []
    for column, values in (
        (Incident.state, c.states),
        (Incident.stage, c.stages),
        (Incident.priority, c.priorities),
        (Incident.incident_type, c.types),
        (Incident.source_type, c.source_types),
        (Incident.created_actor, c.creators),
        (Incident.lead_urn, c.leads),
    ):
        if values:
            out.append(column.in_(values))
    if c.assignees:
        out.append(
            Incident.id.in_(
                select(IncidentAssignee.incident_id).where(
                    IncidentAssignee.assignee_urn.in_(c.assignees)
                )
            )
        )
    if c.resources:
        out.append(_on_assets(Asset.urn.in_(c.resources)))
    if c.platforms:
        out.append(_on_assets(Asset.platform.in_(c.platforms)))
    if c.owners:
        out.append(_on_assets(AssetOwner.owner_urn.in_(c.owners), owners=True))
    if c.created_after is not None:
        out.append(Incident.created_ms >= c.created_after)
    if c.created_before is not None:
        out.append(Incident.created_ms <= c.created_before)
    return out


def _order(sort: IncidentSort | None, relevance: ColumnElement[Any] | None) -> list[Any]:
    if sort is None:
        newest = [Incident.created_ms.desc(), Incident.id.desc()]
        return newest if relevance is None else [relevance.desc(), *newest]
    descending = sort.order is IncidentSortOrder.DESC
    if sort.field is IncidentSortField.PRIORITY:
        # Incidents without a priority come last either way; the newest first within one.
        rank = _PRIORITY_RANK.desc() if descending else _PRIORITY_RANK.asc()
        return [
            _PRIORITY_RANK.is_(None),
            rank,
            Incident.created_ms.desc(),
            Incident.id.desc(),
        ]
    column = Incident.created_ms if sort.field is IncidentSortField.CREATED else Incident.updated_ms
    if descending:
        return [column.desc(), Incident.id.desc()]
    return [column.asc(), Incident.id.asc()]


async def search_incidents(
    session: AsyncSession,
    *,
    criteria: IncidentCriteria,
    sort: IncidentSort | None,
    start: int,
    count: int,
    max_matches: int,
    facets: bool = True,
) -> IncidentHits:
    """A page of matching incidents, the total, and (when asked) facet counts.

    At most `max_matches` matches are considered, the most recently raised: the total counts
    them (and says when more match), the facets count them, and the sort, relevance and
    paging order them. Below the bound that is every match, exactly. Above it, counting,
    faceting or ranking every match would visit them all on each request (a word in every
    title, a million incidents), so this stops there, as search engines cap their totals.

    Without a sort, a text query ranks by relevance (then newest first) while every match is
    considered, and lists newest first (in the order raised) once they are capped: FTS5's
    bm25 counts each word's matches across the whole table to weigh it, whatever the rows
    ranked, and relevance over the newest slice of a huge match set says little. For the
    same reason SQLite does not rank a query holding a word found in more than
    search_text.RANKED_WORD_LIMIT incidents (newest first). Otherwise newest first.
    """
    matches, text = await _matches(session, criteria)
    if text is None:
        newest: list[Any] = [Incident.created_ms.desc(), Incident.id.desc()]
        straight = sort is None or sort == IncidentSort(
            IncidentSortField.CREATED, IncidentSortOrder.DESC
        )
    else:
        newest = [text.recency.desc()]
        straight = sort is None
    # Any max_matches + 1 of them tell whether there are more: no order, so the database may
    # take them however is cheapest (the index of a rare word; the first rows for a common one).
    found = int(
        await session.scalar(
            select(func.count()).select_from(matches.limit(max_matches + 1).subquery())
        )
        or 0
    )
    capped = found > max_matches
    total = min(found, max_matches)
    # Capped: the most recently raised. Otherwise every match, and no ORDER BY ... LIMIT that
    # could tempt PostgreSQL to walk the whole table newest first looking for rare matches.
    considered = matches.order_by(*newest).limit(max_matches) if capped else matches
    incidents: list[Incident] = []
    if count and total > start:
        if capped and straight:
            # Newest first is the order the matches are walked in: the page comes straight
            # off the walk, without sorting the candidates. With text, newest means the order
            # incidents were raised in, which the ids record.
            chosen = (
                matches.order_by(*newest)
                .offset(start)
                .limit(min(count, max_matches - start))
                .subquery("page")
            )
            order = newest if text is None else [Incident.id.desc()]
        else:
            ranked = (
                text is not None
                and sort is None
                and not capped
                and await fulltext.can_rank(session, criteria.text or "")
            )
            if ranked and text is not None:
                considered = considered.add_columns(text.score.label("score"))
            candidates = considered.subquery("considered")
            relevance = candidates.c.score if ranked else None
            # Sort the candidates' ids and keys, then read whole rows for the page alone.
            chosen = (
                select(Incident.id, *([] if relevance is None else [relevance.label("score")]))
                .join(candidates, candidates.c.id == Incident.id)
                .order_by(*_order(sort, relevance))
                .offset(start)
                .limit(count)
                .subquery("page")
            )
            order = _order(sort, chosen.c.score if ranked else None)
        page = select(Incident).join(chosen, chosen.c.id == Incident.id).order_by(*order)
        incidents = list(await session.scalars(page))
    counts: dict[str, dict[str, int]] = {f: {} for f in FACETS}
    if total and facets:
        counts = await _facet_counts(session, considered.with_only_columns(Incident.id))
    return IncidentHits(total=total, capped=capped, incidents=incidents, facets=counts)


async def matching(session: AsyncSession, criteria: IncidentCriteria) -> Select[Any] | None:
    """The ids of the incidents `criteria` keep, as searchIncidents finds them; None when
    they keep every incident (no filter, no words), so callers can skip the IN."""
    matches, text = await _matches(session, criteria)
    return matches if text is not None or _conditions(criteria) else None


async def _matches(
    session: AsyncSession, criteria: IncidentCriteria
) -> tuple[Select[Any], fulltext.EveryWord | None]:
    text = fulltext.every_word(session, criteria.text) if criteria.text else None
    conditions = _conditions(criteria)
    matches: Select[Any] = select(Incident.id)
    if text is not None:
        matches = text.narrow(matches, await _few(session, text, criteria, conditions))
    return matches.where(*conditions), text


async def _few(
    session: AsyncSession,
    text: fulltext.EveryWord,
    criteria: IncidentCriteria,
    conditions: list[ColumnElement[bool]],
) -> Select[Any] | None:
    """The incidents the filters leave, when they are few enough to look each word up for.

    Only filters an index answers are counted (assets, owners, assignees, a time window), so
    the count itself stays cheap; a common word with one asset's incidents then costs a
    few index probes instead of a walk through a million matches.
    """
    c = criteria
    indexed = c.resources or c.owners or c.assignees or c.created_after or c.created_before
    if not text.wants_among or not indexed:
        return None
    few = select(Incident.id).where(*conditions)
    n = await session.scalar(
        select(func.count()).select_from(few.limit(PROBE_LIMIT + 1).subquery())
    )
    return few if int(n or 0) <= PROBE_LIMIT else None


async def _facet_counts(
    session: AsyncSession, considered: Select[int]
) -> dict[str, dict[str, int]]:
    """Every facet's counts over these incidents, in one statement.

    The incident facets come from one GROUP BY over their combinations (a few hundred at
    most), summed here, so the matches are read once, not once a facet. `IN (matched)` rather
    than a join: SQLite otherwise chose to build a Bloom filter over the whole incidents (or
    assets) table to join a thousand rows.
    """
    matched = select(considered.cte("matched").prefix_with("MATERIALIZED").c.id)
    columns = (Incident.state, Incident.stage, Incident.priority, Incident.incident_type)
    combinations = (
        select(*columns, null().label("platform"), func.count())
        .where(Incident.id.in_(matched))
        .group_by(*columns)
    )
    # An incident on two assets of one platform counts once for it.
    platforms = (
        select(
            null(),
            null(),
            null(),
            null(),
            Asset.platform,
            func.count(func.distinct(IncidentAsset.incident_id)),
        )
        .join(IncidentAsset, IncidentAsset.asset_id == Asset.id)
        .where(IncidentAsset.incident_id.in_(matched), Asset.platform.isnot(None))
        .group_by(Asset.platform)
    )
    sums: dict[str, Counter[str]] = {f: Counter() for f in FACETS}
    rows = cast(
        "Sequence[tuple[Any, ...]]",
        (await session.execute(union_all(combinations, platforms))).all(),
    )
    for row in rows:
        for facet, value in zip(FACETS, row[:-1], strict=True):
            if value is not None:
                sums[facet][str(value)] += int(row[-1])
    return {facet: _ranked(list(found.items())) for facet, found in sums.items()}


def _ranked(rows: Sequence[tuple[str, int]]) -> dict[str, int]:
    counted = sorted(rows, key=lambda vn: (-vn[1], vn[0]))
    return dict(counted)
