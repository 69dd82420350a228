"""Asset rows: registered the first time an incident names them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.events import AssetRef
from incident_graph.store.batch import planning
from incident_graph.store.dialect import Dialect, dialect_of
from incident_graph.store.tables import Asset, core_table
from incident_graph.urns import AssetUrn

ASSETS: Final = core_table(Asset)


@dataclass(frozen=True, slots=True)
class KnownAsset:
    """A registered asset's id, and how events and access checks name it."""

    id: int
    ref: AssetRef


async def ensure_assets(
    session: AsyncSession, *, assets: Sequence[AssetUrn], now_ms: int
) -> dict[str, int]:
    """Register any of these assets not yet known; returns urn -> asset id for all of them."""
    return {urn: known.id for urn, known in (await ensure_known(session, assets, now_ms)).items()}


async def ensure_known(
    session: AsyncSession, assets: Sequence[AssetUrn], now_ms: int
) -> dict[str, KnownAsset]:
    """`ensure_assets`, returning each asset's id and reference."""
    if not assets:
        # An empty executemany is one INSERT with no values to SQLAlchemy (deprecated, and a
        # row of defaults the NOT NULL columns refuse).
        return {}
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
    pending = planning(session)
    if pending is not None:
        # Registered (and their ids read) when the segment is applied, with its other raises'
        # assets: one INSERT and one SELECT for all of them.
        planned = (
            pending.asset(
                row,
                AssetRef(urn=a.urn, name=a.name, platform=a.platform, type=a.entity_type),
            )
            for a, row in zip(ordered, rows, strict=True)
        )
        return {p.row["urn"]: KnownAsset(p.provisional_id, p.ref) for p in planned}
    dialect = dialect_of(session)
    await session.execute(dialect.insert_ignore(ASSETS), rows)
    found = await session.execute(_asset_refs(dialect), {"urns": [a.urn for a in ordered]})
    return {
        urn: KnownAsset(asset_id, AssetRef(urn=urn, name=name, platform=platform, type=kind))
        for asset_id, urn, name, platform, kind in found
    }


# How events and access checks name an asset, in AssetRef's order.
REF_COLUMNS: Final = (Asset.urn, Asset.name, Asset.platform, Asset.entity_type)


@cache
def _asset_refs(dialect: Dialect) -> Select[int, str, str, str | None, str]:
    # Built once per dialect: every raise runs it.
    return select(Asset.id, *REF_COLUMNS).where(dialect.among_param(Asset.urn, "urns"))


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
