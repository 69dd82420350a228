"""Asset rows: registered the first time an incident names them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.store.dialect import among_param, insert_ignore
from incident_graph.store.tables import Asset
from incident_graph.urns import AssetUrn


async def ensure_assets(
    session: AsyncSession, *, assets: Sequence[AssetUrn], now_ms: int
) -> dict[str, int]:
    """Register any of these assets not yet known; returns urn -> asset id for all of them."""
    return {urn: row.id for urn, row in (await ensure_asset_rows(session, assets, now_ms)).items()}


async def ensure_asset_rows(
    session: AsyncSession, assets: Sequence[AssetUrn], now_ms: int
) -> dict[str, Row[int, str, str, str | None, str]]:
    """`ensure_assets`, returning each asset's id, urn, name, platform and entity_type."""
    # Sorted, so concurrent transactions take the unique-index locks in one order (no deadlock).
    ordered = sorted(assets, key=lambda a: a.urn)
    rows = [
        {
            "urn": a.urn,
            "entity_type": a.entity_type,
            "platform": a.platform,
            "name": a.name,
            "created_ms": now_ms,
        }
        for a in ordered
    ]
    await session.execute(insert_ignore(session, Asset), rows)
    found = await session.execute(
        _asset_rows(session.get_bind().dialect.name), {"urns": [a.urn for a in ordered]}
    )
    return {row.urn: row for row in found}


@cache
def _asset_rows(dialect: str) -> Select[int, str, str, str | None, str]:
    # Built once per dialect: every raise runs it.
    return select(Asset.id, Asset.urn, Asset.name, Asset.platform, Asset.entity_type).where(
        among_param(dialect, Asset.urn, "urns")
    )


# Built once: every asset field of every request starts here.
_ASSETS_BY_URN = select(Asset).where(Asset.urn.in_(bindparam("urns", expanding=True)))


async def get_assets_by_urns(session: AsyncSession, *, urns: Sequence[str]) -> list[Asset]:
    result = await session.scalars(_ASSETS_BY_URN, {"urns": list(urns)})
    return list(result)


async def get_assets_by_ids(session: AsyncSession, *, ids: Sequence[int]) -> list[Asset]:
    result = await session.scalars(select(Asset).where(Asset.id.in_(ids)))
    return list(result)


async def get_asset(session: AsyncSession, *, urn: str, for_update: bool = False) -> Asset | None:
    stmt = select(Asset).where(Asset.urn == urn)
    if for_update:
        stmt = stmt.with_for_update()
    return (await session.scalars(stmt)).one_or_none()
