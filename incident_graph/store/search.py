"""Asset search: text match, type narrowing, DataHub-style filters, sort and facet counts."""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.checks import ResultStatus
from incident_graph.domain.enums import IncidentState
from incident_graph.domain.scroll import ScrollValue
from incident_graph.domain.search import (
    ACTIVE_INCIDENT_PRIORITIES,
    ACTIVE_INCIDENT_TYPES,
    ENTITY_TYPE,
    HAS_ACTIVE_INCIDENTS,
    HAS_FAILING_ASSERTIONS,
    HAS_RESOLVED_INCIDENTS,
    NUM_ACTIVE_INCIDENTS,
    OWNERS,
    PLATFORM,
    RELEVANCE,
    REMOVED,
    TAGS,
    AssetSearch,
    Criterion,
    matches_everything,
)
from incident_graph.store.tables import Asset, AssetOwner, AssetTag, Check, Incident, IncidentAsset

_COMPARE: Final[dict[str, Callable[[Any, Any], ColumnElement[bool]]]] = {
    "EQUAL": operator.eq,
    "GREATER_THAN": operator.gt,
    "GREATER_THAN_OR_EQUAL_TO": operator.ge,
    "LESS_THAN": operator.lt,
    "LESS_THAN_OR_EQUAL_TO": operator.le,
}


@dataclass(frozen=True, slots=True)
class AssetHits:
    total: int
    assets: list[Asset]
    facets: dict[str, dict[str, int]]


@dataclass(frozen=True, slots=True)
class AssetScroll:
    total: int
    assets: list[Asset]
    facets: dict[str, dict[str, int]]
    # The sort keys of the last asset when more follow; None at the end.
    last_keys: tuple[ScrollValue, ...] | None


def _with_state(state: IncidentState) -> ColumnElement[bool]:
    return exists().where(IncidentAsset.asset_id == Asset.id, IncidentAsset.state == state)


def _active_with(column: Any, values: tuple[str, ...]) -> ColumnElement[bool]:
    return exists().where(
        IncidentAsset.asset_id == Asset.id,
        IncidentAsset.state == IncidentState.ACTIVE,
        Incident.id == IncidentAsset.incident_id,
        column.in_(values),
    )


def _boolean(values: tuple[str, ...], when_true: ColumnElement[bool]) -> ColumnElement[bool]:
    wanted = set(values)
    if wanted == {"true", "false"}:
        return true()
    return when_true if wanted == {"true"} else ~when_true


# Each filter field's condition, from the (already checked) criterion; the domain refuses
# unknown fields before they get here.
_CONDITIONS: Final[dict[str, Callable[[Criterion], ColumnElement[bool]]]] = {
    HAS_ACTIVE_INCIDENTS: lambda c: _boolean(c.values, Asset.active_count > 0),
    HAS_RESOLVED_INCIDENTS: lambda c: _boolean(c.values, _with_state(IncidentState.RESOLVED)),
    HAS_FAILING_ASSERTIONS: lambda c: _boolean(
        c.values,
        exists().where(Check.asset_id == Asset.id, Check.latest_status == ResultStatus.FAIL),
    ),
    NUM_ACTIVE_INCIDENTS: lambda c: _COMPARE[c.condition](Asset.active_count, int(c.values[0])),
    ACTIVE_INCIDENT_TYPES: lambda c: _active_with(Incident.incident_type, c.values),
    ACTIVE_INCIDENT_PRIORITIES: lambda c: _active_with(Incident.priority, c.values),
    ENTITY_TYPE: lambda c: Asset.entity_type.in_(c.values),
    PLATFORM: lambda c: Asset.platform.in_(c.values),
    OWNERS: lambda c: exists().where(
        AssetOwner.asset_id == Asset.id, AssetOwner.owner_urn.in_(c.values)
    ),
    TAGS: lambda c: exists().where(AssetTag.asset_id == Asset.id, AssetTag.tag.in_(c.values)),
    REMOVED: lambda c: _boolean(c.values, Asset.deleted_ms.isnot(None)),
}


def _condition(criterion: Criterion) -> ColumnElement[bool]:
    cond = _CONDITIONS[criterion.field](criterion)
    return ~cond if criterion.negated else cond


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_match(query: str) -> tuple[list[ColumnElement[bool]], ColumnElement[Any]]:
    """Conditions and a rank for a text query: exact name, then prefix, then contains."""
    if matches_everything(query):
        return [], literal(0)
    needle = query.strip().lower()
    pattern = f"%{escape_like(needle)}%"
    name, urn = func.lower(Asset.name), func.lower(Asset.urn)
    description = func.lower(func.coalesce(Asset.description, ""))
    matches = or_(
        name.like(pattern, escape="\\"),
        urn.like(pattern, escape="\\"),
        description.like(pattern, escape="\\"),
    )
    rank = case(
        (name == needle, 0),
        (name.like(f"{escape_like(needle)}%", escape="\\"), 1),
        (name.like(pattern, escape="\\"), 2),
        else_=3,
    )
    return [matches], rank


def _where(search: AssetSearch) -> tuple[ColumnElement[bool], list[tuple[Any, bool]]]:
    """What matches, and the order: each sort key's expression and whether it descends."""
    text_conditions, rank = _text_match(search.text)
    # A hard-deleted asset keeps only its key, for its incidents; it is never found.
    conditions: list[ColumnElement[bool]] = [
        Asset.deleted_ms.is_(None)
        if search.hide_removed
        else or_(Asset.deleted_ms.is_(None), Asset.updated_ms.isnot(None)),
        *text_conditions,
    ]
    if search.entity_types:
        conditions.append(Asset.entity_type.in_(search.entity_types))
    if search.groups:
        conditions.append(
            or_(*(and_(*(_condition(c) for c in g)) if g else true() for g in search.groups))
        )
    columns: dict[str, Any] = {
        RELEVANCE: rank,
        "name": Asset.name,
        "urn": Asset.urn,
        NUM_ACTIVE_INCIDENTS: Asset.active_count,
    }
    return and_(*conditions), [(columns[k.field], k.descending) for k in search.keys]


def _after(keys: list[tuple[Any, bool]], values: tuple[ScrollValue, ...]) -> ColumnElement[bool]:
    """Rows after `values` in the order `keys` (a lexicographic comparison, key by key)."""
    later: list[ColumnElement[bool]] = []
    for i, (column, descending) in enumerate(keys):
        same = [keys[j][0] == values[j] for j in range(i)]
        later.append(and_(*same, column < values[i] if descending else column > values[i]))
    return or_(*later)


def _ordered(keys: list[tuple[Any, bool]]) -> list[Any]:
    return [column.desc() if descending else column.asc() for column, descending in keys]


async def search_assets(
    session: AsyncSession,
    *,
    search: AssetSearch,
    start: int,
    count: int,
    facet_values: int | None,
) -> AssetHits:
    """A page of the assets `search` matches, with the total; facets (each listing up to
    `facet_values` values) unless that is None."""
    where, keys = _where(search)
    # The total rides along as an uncorrelated scalar subquery: computed once, and unlike a
    # window count it lets the database stop reading at the page's last row.
    counted = select(func.count()).select_from(Asset).where(where).scalar_subquery()
    assets: list[Asset] = []
    total = 0
    if count:
        rows = (
            await session.execute(
                select(Asset, counted.label("total"))
                .where(where)
                .order_by(*_ordered(keys))
                .offset(start)
                .limit(count)
            )
        ).all()
        assets = [row[0] for row in rows]
        total = int(rows[0][1]) if rows else 0
    if not assets:  # an empty page (or count 0) still owes the caller the total
        total = int((await session.execute(select(counted))).scalar_one())
    return AssetHits(
        total=total, assets=assets, facets=await _facets_of(session, where, total, facet_values)
    )


async def scroll_assets(
    session: AsyncSession,
    *,
    search: AssetSearch,
    after: tuple[ScrollValue, ...] | None,
    count: int,
    facet_values: int | None,
) -> AssetScroll:
    """Up to `count` assets `search` matches that come after the sort keys `after` (from the
    start when None), with the total of all matches and facets as search_assets gives them."""
    where, keys = _where(search)
    counted = select(func.count()).select_from(Asset).where(where).scalar_subquery()
    page = where if after is None else and_(where, _after(keys, after))
    # One row more than asked: whether it exists says whether another page follows.
    rows = (
        await session.execute(
            select(Asset, counted.label("total"), *(column for column, _ in keys))
            .where(page)
            .order_by(*_ordered(keys))
            .limit(count + 1)
        )
    ).all()
    kept = rows[:count]
    total = int(rows[0][1]) if rows else int((await session.execute(select(counted))).scalar_one())
    return AssetScroll(
        total=total,
        assets=[row[0] for row in kept],
        facets=await _facets_of(session, where, total, facet_values),
        last_keys=tuple(kept[-1][2:]) if kept and len(rows) > count else None,
    )


async def _facets_of(
    session: AsyncSession, where: ColumnElement[bool], total: int, facet_values: int | None
) -> dict[str, dict[str, int]]:
    if facet_values is None:
        return {}
    if not total:
        return _empty_facets()
    return await _facets(session, where, facet_values)


def _empty_facets() -> dict[str, dict[str, int]]:
    return {HAS_ACTIVE_INCIDENTS: {"true": 0, "false": 0}}


async def _facets(
    session: AsyncSession, where: ColumnElement[bool], limit: int
) -> dict[str, dict[str, int]]:
    """Counts of matching assets per value of each facet field: both values of the yes/no
    fields, the `limit` most frequent values of the others."""
    matching = select(Asset.id).where(where).scalar_subquery()
    facets: dict[str, dict[str, int]] = {}
    for field, flag in (
        (HAS_ACTIVE_INCIDENTS, Asset.active_count > 0),
        (HAS_RESOLVED_INCIDENTS, _with_state(IncidentState.RESOLVED)),
    ):
        label = case((flag, "true"), else_="false")
        rows = await session.execute(
            select(label, func.count()).select_from(Asset).where(where).group_by(label)
        )
        facets[field] = {"true": 0, "false": 0} | {str(v): int(n) for v, n in rows}
    for field, column in ((ENTITY_TYPE, Asset.entity_type), (PLATFORM, Asset.platform)):
        rows = await session.execute(
            select(column, func.count())
            .select_from(Asset)
            .where(where, column.isnot(None))
            .group_by(column)
            .order_by(func.count().desc(), column)
            .limit(limit)
        )
        facets[field] = {str(v): int(n) for v, n in rows}
    for field, value_column, asset_column in (
        (OWNERS, AssetOwner.owner_urn, AssetOwner.asset_id),
        (TAGS, AssetTag.tag, AssetTag.asset_id),
    ):
        rows = await session.execute(
            select(value_column, func.count(func.distinct(asset_column)))
            .where(asset_column.in_(matching))
            .group_by(value_column)
            .order_by(func.count(func.distinct(asset_column)).desc(), value_column)
            .limit(limit)
        )
        facets[field] = {str(v): int(n) for v, n in rows}
    for field, incident_column in (
        (ACTIVE_INCIDENT_TYPES, Incident.incident_type),
        (ACTIVE_INCIDENT_PRIORITIES, Incident.priority),
    ):
        rows = await session.execute(
            select(incident_column, func.count(func.distinct(IncidentAsset.asset_id)))
            .join(Incident, Incident.id == IncidentAsset.incident_id)
            .where(
                IncidentAsset.asset_id.in_(matching),
                IncidentAsset.state == IncidentState.ACTIVE,
                incident_column.isnot(None),
            )
            .group_by(incident_column)
            .order_by(incident_column)
            .limit(limit)
        )
        facets[field] = {str(v): int(n) for v, n in rows}
    rows = await session.execute(
        select(Asset.active_count, func.count())
        .where(where)
        .group_by(Asset.active_count)
        .order_by(func.count().desc(), Asset.active_count)
        .limit(limit)
    )
    facets[NUM_ACTIVE_INCIDENTS] = {str(v): int(n) for v, n in rows}
    return facets
