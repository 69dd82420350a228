"""Privilege grants, and the facts a privilege check reads: grants and asset ownership."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.access import GrantSpec
from incident_graph.store.dialect import dialect_of
from incident_graph.store.tables import Asset, AssetOwner, PrivilegeGrant


async def add_grant(
    session: AsyncSession, *, grant: GrantSpec, actor: str, now_ms: int
) -> PrivilegeGrant:
    """Store a grant (granting it again is a no-op) and return the stored row."""
    row = {
        "privilege": grant.privilege,
        "grantee_urn": grant.grantee_urn,
        "scope": grant.scope,
        "resource": grant.resource,
        "created_ms": now_ms,
        "created_actor": actor,
    }
    await session.execute(dialect_of(session).insert_ignore(PrivilegeGrant), row)
    found = await session.scalars(
        select(PrivilegeGrant).where(
            PrivilegeGrant.privilege == grant.privilege,
            PrivilegeGrant.grantee_urn == grant.grantee_urn,
            PrivilegeGrant.scope == grant.scope,
            PrivilegeGrant.resource == grant.resource,
        )
    )
    return found.one()


async def remove_grant(session: AsyncSession, *, grant: GrantSpec) -> bool:
    """Delete a grant; False when there was none."""
    result = await session.execute(
        delete(PrivilegeGrant)
        .where(
            PrivilegeGrant.privilege == grant.privilege,
            PrivilegeGrant.grantee_urn == grant.grantee_urn,
            PrivilegeGrant.scope == grant.scope,
            PrivilegeGrant.resource == grant.resource,
        )
        .returning(PrivilegeGrant.id)
    )
    return result.first() is not None


async def grants_of(
    session: AsyncSession, *, grantee_urns: Sequence[str], privilege: str | None = None
) -> list[PrivilegeGrant]:
    stmt = select(PrivilegeGrant).where(PrivilegeGrant.grantee_urn.in_(grantee_urns))
    if privilege is not None:
        stmt = stmt.where(PrivilegeGrant.privilege == privilege)
    return list(await session.scalars(stmt.order_by(PrivilegeGrant.id)))


async def owned_assets(
    session: AsyncSession, *, owner_urns: Sequence[str], asset_urns: Sequence[str]
) -> set[str]:
    """Which of these assets any of these users or groups own."""
    if not asset_urns:
        return set()
    rows = await session.scalars(
        select(Asset.urn)
        .join(AssetOwner, AssetOwner.asset_id == Asset.id)
        .where(Asset.urn.in_(asset_urns), AssetOwner.owner_urn.in_(owner_urns))
        .distinct()
    )
    return set(rows)
