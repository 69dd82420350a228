"""Asset search: text match, type narrowing, DataHub-style filters and facet counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.enums import IncidentState
from incident_graph.domain.search import (
    ENTITY_TYPE,
    HAS_ACTIVE_INCIDENTS,
    PLATFORM,
    Criterion,
)
from incident_graph.store.tables import Asset, IncidentAsset


@dataclass(frozen=True, slots=True)
class AssetHits:
    total: int
    assets: list[Asset]
    facets: dict[str, dict[str, int]]


def _has_active() -> ColumnElement[bool]:
    return exists().where(
        IncidentAsset.asset_id == Asset.id, IncidentAsset.state == IncidentState.ACTIVE.value
    )


def _condition(criterion: Criterion) -> ColumnElement[bool]:
    cond: ColumnElement[bool]
    if criterion.field == HAS_ACTIVE_INCIDENTS:
        wanted = set(criterion.values)
        if wanted == {"true", "false"}:
            cond = true()
        elif wanted == {"true"}:
            cond = _has_active()
        else:
            cond = ~_has_active()
    elif criterion.field == ENTITY_TYPE:
        cond = Asset.entity_type.in_(criterion.values)
    elif criterion.field == PLATFORM:
        cond = Asset.platform.in_(criterion.values)
    else:  # the domain rejects unknown fields before they get here
        raise ValueError(criterion.field)
    return ~cond if criterion.negated else cond


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def search_assets(
    session: AsyncSession,
    *,
    query: str,
    entity_types: Sequence[str] | None,
    groups: tuple[tuple[Criterion, ...], ...],
    start: int,
    count: int,
) -> AssetHits:
    """Assets matching the text query, types and filters; exact name first, then prefix."""
    conditions: list[ColumnElement[bool]] = [Asset.deleted_ms.is_(None)]
    text = query.strip()
    rank: ColumnElement[Any] = literal(0)
    if text and text != "*":
        needle = text.lower()
        pattern = f"%{_escape_like(needle)}%"
        name, urn = func.lower(Asset.name), func.lower(Asset.urn)
        description = func.lower(func.coalesce(Asset.description, ""))
        conditions.append(
            or_(
                name.like(pattern, escape="\\"),
                urn.like(pattern, escape="\\"),
                description.like(pattern, escape="\\"),
            )
        )
        rank = case(
            (name == needle, 0),
            (name.like(f"{_escape_like(needle)}%", escape="\\"), 1),
            (name.like(pattern, escape="\\"), 2),
            else_=3,
        )
    if entity_types:
        conditions.append(Asset.entity_type.in_(entity_types))
    if groups:
        conditions.append(
            or_(*(and_(*(_condition(c) for c in g)) if g else true() for g in groups))
        )
    where = and_(*conditions) if conditions else true()

    total = int(
        (await session.execute(select(func.count()).select_from(Asset).where(where))).scalar_one()
    )
    assets: list[Asset] = []
    if count and total > start:
        result = await session.scalars(
            select(Asset).where(where).order_by(rank, Asset.urn).offset(start).limit(count)
        )
        assets = list(result)
    active_label = case((_has_active(), "true"), else_="false")
    facets: dict[str, dict[str, int]] = {
        HAS_ACTIVE_INCIDENTS: {"true": 0, "false": 0},
        ENTITY_TYPE: {},
        PLATFORM: {},
    }
    if total:
        for field, column in (
            (HAS_ACTIVE_INCIDENTS, active_label),
            (ENTITY_TYPE, Asset.entity_type),
            (PLATFORM, Asset.platform),
        ):
            rows = await session.execute(
                select(column, func.count())
                .select_from(Asset)
                .where(where, column.isnot(None))
                .group_by(column)
            )
            facets[field].update({str(v): int(n) for v, n in rows})
    return AssetHits(total=total, assets=assets, facets=facets)
