"""Who may change which incidents: MANAGE_INCIDENTS by role, grant or ownership.

Admins and editors hold it everywhere; viewers never write; a member holds it on an asset when
it (or a group it is in) owns the asset or was granted it on the asset, its platform or
globally. The one place that decides; resolvers call it before the service.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.audit import record_refusal
from incident_graph.auth.principal import Principal
from incident_graph.domain.access import Privilege, Target, first_uncovered, holdings
from incident_graph.domain.directory import GROUP_PREFIX
from incident_graph.domain.errors import ForbiddenError
from incident_graph.store import Database, Writer
from incident_graph.store import directory as directory_store
from incident_graph.store import grants as grant_store
from incident_graph.store.tables import PrivilegeGrant


async def group_urns(session: AsyncSession, *, principal: Principal) -> list[str]:
    found = await directory_store.group_names_of_users(session, user_names=[principal.name])
    return [GROUP_PREFIX + name for name in found.get(principal.name, [])]


async def grants_held(session: AsyncSession, *, principal: Principal) -> list[PrivilegeGrant]:
    """Grants to the principal directly or to any group it is in."""
    actors = [principal.urn, *await group_urns(session, principal=principal)]
    return await grant_store.grants_of(session, grantee_urns=actors)


async def require_manage_incidents(
    *,
    db: Database,
    writer: Writer,
    principal: Principal,
    targets: Sequence[Target],
    operation: str,
    subject: str,
) -> None:
    """Return when the principal holds MANAGE_INCIDENTS on every target; else audit and refuse.

    `subject` is what the operation acts on (an incident URN, or the assets of a new one).
    """
    if principal.role.writes_everywhere:
        return
    asset: dict[str, str] = {}
    if not principal.role.can_write:
        reason = (
            f"user {principal.name!r} has role {principal.role.value!r}, which can only read; "
            "ask an admin for the member role and a grant, or an editor token"
        )
    else:
        async with db.reading() as session:
            actors = [principal.urn, *await group_urns(session, principal=principal)]
            grants = await grant_store.grants_of(
                session, grantee_urns=actors, privilege=Privilege.MANAGE_INCIDENTS.value
            )
            owned = await grant_store.owned_assets(
                session, owner_urns=actors, asset_urns=[t.urn for t in targets]
            )
        held = holdings(((g.scope, g.resource) for g in grants), owned)
        missing = first_uncovered(held, targets)
        if missing is None:
            return
        asset = {"asset": missing.urn}
        reason = (
            f"{operation} needs MANAGE_INCIDENTS on {missing.urn}, and user {principal.name!r} "
            "does not hold it: it is not granted on that asset, its platform or globally to "
            "the user or a group they are in, and they do not own the asset; ask an admin to "
            "grantPrivilege, or an owner to add you"
        )
    await record_refusal(
        writer=writer, principal=principal, operation=operation, target=subject, reason=reason
    )
    raise ForbiddenError(reason, operation=operation, **asset)
