"""Asset search: text match, type narrowing, DataHub-style filters, sort and facet counts."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.enums import IncidentState
from incident_graph.domain.search import (
    ACTIVE_INCIDENT_PRIORITIES,
    ACTIVE_INCIDENT_TYPES,
    ENTITY_TYPE,
    HAS_ACTIVE_INCIDENTS,
    HAS_RESOLVED_INCIDENTS,
    NUM_ACTIVE_INCIDENTS,
    OWNERS,
    PLATFORM,
    TAGS,
    Criterion,
    Sort,
)
from incident_graph.store.tables import Asset, AssetOwner, AssetTag, Incident, IncidentAsset

# How many values a facet lists (the most frequent first).
FACET_LIMIT: Final = 20
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


def _condition(criterion: Criterion) -> ColumnElement[bool]:
    field, values = criterion.field, criterion.values
    cond: ColumnElement[bool]
    if field == HAS_ACTIVE_INCIDENTS:
        cond = _boolean(values, Asset.active_count > 0)
    elif field == HAS_RESOLVED_INCIDENTS:
        cond = _boolean(values, _with_state(IncidentState.RESOLVED))
    elif field == NUM_ACTIVE_INCIDENTS:
        cond = _COMPARE[criterion.condition](Asset.active_count, int(values[0]))
    elif field == ACTIVE_INCIDENT_TYPES:
        cond = _active_with(Incident.incident_type, values)
    elif field == ACTIVE_INCIDENT_PRIORITIES:
        cond = _active_with(Incident.priority, values)
    elif field == ENTITY_TYPE:
        cond = Asset.entity_type.in_(values)
    elif field == PLATFORM:
        cond = Asset.platform.in_(values)
    elif field == OWNERS:
        cond = exists().where(AssetOwner.asset_id == Asset.id, AssetOwner.owner_urn.in_(values))
    elif field == TAGS:
        cond = exists().where(AssetTag.asset_id == Asset.id, AssetTag.tag.in_(values))
    else:  # the domain rejects unknown fields before they get here
        raise ValueError(field)
    return ~cond if criterion.negated else cond


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _text_match(query: str) -> tuple[list[ColumnElement[bool]], ColumnElement[Any]]:
    """Conditions and a rank for a text query: exact name, then prefix, then contains."""
    text = query.strip()
    if not text or text == "*":
        return [], literal(0)
    needle = text.lower()
    pattern = f"%{_escape_like(needle)}%"
    name, urn = func.lower(Asset.name), func.lower(Asset.urn)
    description = func.lower(func.coalesce(Asset.description, ""))
    matches = or_(
        name.like(pattern, escape="\\"),
        urn.like(pattern, escape="\\"),
        description.like(pattern, escape="\\"),
    )
    rank = case(
        (name == needle, 0),
        (name.like(f"{_escape_like(needle)}%", escape="\\"), 1),
        (name.like(pattern, escape="\\"), 2),
        else_=3,
    )
    return [matches], rank


def _order(sort: Sort | None, rank: ColumnElement[Any]) -> list[Any]:
    if sort is None:
        return [rank, Asset.urn]
    key: Any = {"name": Asset.name, "urn": Asset.urn}.get(sort.field, Asset.active_count)
    return [key.desc() if sort.descending else key.asc(), Asset.urn]


async def search_assets(
    session: AsyncSession,
    *,
    query: str,
    entity_types: Sequence[str] | None,
    groups: tuple[tuple[Criterion, ...], ...],
    start: int,
    count: int,
    sort: Sort | None = None,
    facets: bool = True,
) -> AssetHits:
    """Assets matching the text query, types and filters, with the total."""
    text_conditions, rank = _text_match(query)
    conditions: list[ColumnElement[bool]] = [Asset.deleted_ms.is_(None), *text_conditions]
    if entity_types:
        conditions.append(Asset.entity_type.in_(entity_types))
    if groups:
        conditions.append(
            or_(*(and_(*(_condition(c) for c in g)) if g else true() for g in groups))
        )
    where = and_(*conditions)

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
                .order_by(*_order(sort, rank))
                .offset(start)
                .limit(count)
            )
        ).all()
        assets = [row[0] for row in rows]
        total = int(rows[0][1]) if rows else 0
    if not assets:  # an empty page (or count 0) still owes the caller the total
        total = int((await session.execute(select(counted))).scalar_one())
    return AssetHits(
        total=total,
        assets=assets,
        facets=await _facets(session, where) if facets and total else _empty_facets(facets),
    )


def _empty_facets(wanted: bool) -> dict[str, dict[str, int]]:
    return {HAS_ACTIVE_INCIDENTS: {"true": 0, "false": 0}} if wanted else {}


async def _facets(session: AsyncSession, where: ColumnElement[bool]) -> dict[str, dict[str, int]]:
    """Counts of matching assets per value of each facet field."""
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
            .limit(FACET_LIMIT)
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
            .limit(FACET_LIMIT)
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
        )
        facets[field] = {str(v): int(n) for v, n in rows}
    return facets
