"""Granting and revoking privileges (admin operations, each written to the audit log)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.audit import record_allowed
from incident_graph.domain.access import GrantScope, GrantSpec
from incident_graph.domain.directory import GROUP_PREFIX, name_of
from incident_graph.domain.errors import NotFoundError
from incident_graph.store import Writer
from incident_graph.store import directory as directory_store
from incident_graph.store import grants as grant_store
from incident_graph.store import users as user_store
from incident_graph.store.tables import PrivilegeGrant


def describe(grant: GrantSpec) -> str:
    where = "everywhere" if grant.scope is GrantScope.GLOBAL else f"on {grant.resource}"
    return f"{grant.privilege} {where} ({grant.scope}) to {grant.grantee_urn}"


async def _require_grantee(session: AsyncSession, urn: str) -> None:
    group = urn.startswith(GROUP_PREFIX)
    name = name_of(urn, group=group)
    if group:
        exists = await directory_store.get_group(session, name=name) is not None
    else:
        exists = await user_store.get_user(session, name=name) is not None
    if not exists:
        how = "createGroup" if group else "createUser"
        raise NotFoundError(
            f"no {'group' if group else 'user'} {urn}; create it with {how}", urn=urn
        )


async def grant(*, writer: Writer, spec: GrantSpec, actor: str) -> PrivilegeGrant:
    """Grant a privilege to an existing user or group; granting it again changes nothing."""

    async def unit(session: AsyncSession) -> PrivilegeGrant:
        await _require_grantee(session, spec.grantee_urn)
        row = await grant_store.add_grant(session, grant=spec, actor=actor, now_ms=writer.clock())
        await record_allowed(
            session,
            actor=actor,
            operation="grantPrivilege",
            target=describe(spec),
            now_ms=writer.clock(),
        )
        return row

    return await writer.run(unit)


async def revoke(*, writer: Writer, spec: GrantSpec, actor: str) -> None:
    """Take a grant back; NOT_FOUND when there is no such grant."""

    async def unit(session: AsyncSession) -> None:
        if not await grant_store.remove_grant(session, grant=spec):
            raise NotFoundError(f"there is no grant of {describe(spec)}; nothing to revoke")
        await record_allowed(
            session,
            actor=actor,
            operation="revokePrivilege",
            target=describe(spec),
            now_ms=writer.clock(),
        )

    await writer.run(unit)
