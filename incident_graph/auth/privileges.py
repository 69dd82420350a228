"""Who may change which incidents: MANAGE_INCIDENTS by role, grant or ownership.

Admins and editors hold it everywhere; viewers never write; a member holds it on an asset when
it (or a group it is in) owns the asset or was granted it on the asset, its platform or
globally. The one place that decides. The check runs inside the write's own unit of work (see
IncidentAccess), so it reads the grants, the role and the incident's assets in the transaction
that then writes: a revokePrivilege, a role change or a change of the incident's assets that
committed before the unit is seen, and none can land between check and write.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.audit import record_refusal
from incident_graph.auth.principal import Principal
from incident_graph.domain.access import Privilege, Target, first_uncovered, holdings
from incident_graph.domain.directory import GROUP_PREFIX
from incident_graph.domain.enums import Role
from incident_graph.domain.errors import ForbiddenError
from incident_graph.store import Writer
from incident_graph.store import directory as directory_store
from incident_graph.store import grants as grant_store
from incident_graph.store import users as user_store
from incident_graph.store.incidents import HeldIncident
from incident_graph.store.tables import PrivilegeGrant
from incident_graph.store.writer import Unit
from incident_graph.urns import AssetUrn

T = TypeVar("T")


async def group_urns(session: AsyncSession, *, principal: Principal) -> list[str]:
    found = await directory_store.group_names_of_users(session, user_names=[principal.name])
    return [GROUP_PREFIX + name for name in found.get(principal.name, [])]


async def grants_held(session: AsyncSession, *, principal: Principal) -> list[PrivilegeGrant]:
    """Grants to the principal directly or to any group it is in."""
    actors = [principal.urn, *await group_urns(session, principal=principal)]
    return await grant_store.grants_of(session, grantee_urns=actors)


class AccessDeniedError(ForbiddenError):
    """FORBIDDEN from inside a unit of work; it carries what the audit row needs, because the
    unit's own changes (an audit row among them) roll back with it."""

    def __init__(
        self, message: str, *, principal: Principal, operation: str, subject: str, **extensions: str
    ) -> None:
        super().__init__(message, operation=operation, **extensions)
        self.principal = principal
        self.operation = operation
        self.subject = subject


def _targets(assets: Iterable[tuple[str, str | None]]) -> list[Target]:
    return [Target(urn, platform) for urn, platform in dict(assets).items()]


@dataclass(frozen=True, slots=True)
class IncidentAccess:
    """The caller of one incident write; its unit calls a check_* method on its own session."""

    principal: Principal
    operation: str

    def refusal(self, reason: str, *, subject: str, **extensions: str) -> AccessDeniedError:
        return AccessDeniedError(
            reason,
            principal=self.principal,
            operation=self.operation,
            subject=subject,
            **extensions,
        )

    async def check_raise(self, session: AsyncSession, *, assets: Sequence[AssetUrn]) -> None:
        """MANAGE_INCIDENTS on every asset a new incident names, or AccessDeniedError."""
        await self._check(
            session,
            targets=_targets((a.urn, a.platform) for a in assets),
            subject=", ".join(a.urn for a in assets),
        )

    async def check_change(
        self, session: AsyncSession, *, incident: HeldIncident, adding: Sequence[AssetUrn] = ()
    ) -> None:
        """MANAGE_INCIDENTS on the incident's assets as this transaction sees them (the caller
        holds the incident's row lock) and on any assets the change would add."""
        role = await self._stored_role(session)
        if role.writes_everywhere:
            return  # before reading the incident's assets, which this role does not need
        current = await incident.assets(session)
        await self._check(
            session,
            role=role,
            targets=_targets(
                [(a["urn"], a["platform"]) for a in current] + [(a.urn, a.platform) for a in adding]
            ),
            subject=incident.row.urn,
        )

    async def _stored_role(self, session: AsyncSession) -> Role:
        """The role as stored now, not as the request's token found it: a demotion that
        committed before this unit applies to it."""
        stored = await user_store.role_of(session, user_id=self.principal.user_id)
        return Role(stored) if stored is not None else Role.VIEWER

    async def _check(
        self,
        session: AsyncSession,
        *,
        targets: Sequence[Target],
        subject: str,
        role: Role | None = None,
    ) -> None:
        principal = self.principal
        role = role or await self._stored_role(session)
        if role.writes_everywhere:
            return
        if not role.can_write:
            raise self.refusal(
                f"user {principal.name!r} has role {role.value!r}, which can only read; "
                "ask an admin for the member role and a grant, or an editor token",
                subject=subject,
            )
        actors = [principal.urn, *await group_urns(session, principal=principal)]
        grants = await grant_store.grants_of(
            session, grantee_urns=actors, privilege=Privilege.MANAGE_INCIDENTS.value
        )
        owned = await grant_store.owned_assets(
            session, owner_urns=actors, asset_urns=[t.urn for t in targets]
        )
        missing = first_uncovered(holdings(((g.scope, g.resource) for g in grants), owned), targets)
        if missing is None:
            return
        raise self.refusal(
            f"{self.operation} needs MANAGE_INCIDENTS on {missing.urn}, and user "
            f"{principal.name!r} does not hold it: it is not granted on that asset, its "
            "platform or globally to the user or a group they are in, and they do not own the "
            "asset; ask an admin to grantPrivilege, or an owner to add you",
            subject=subject,
            asset=missing.urn,
        )


async def run_checked(
    writer: Writer,
    unit: Unit[T],
    *,
    batch_keys: Collection[str] | None = None,
    incidents: Collection[str] = (),
) -> T:
    """Run a unit that checks access; a refusal rolled the unit back, so audit it in a unit of
    its own before the caller sees FORBIDDEN. `batch_keys` and `incidents` as for `Writer.run`."""
    try:
        return await writer.run(unit, batch_keys=batch_keys, incidents=incidents)
    except AccessDeniedError as refusal:
        await record_refusal(
            writer=writer,
            principal=refusal.principal,
            operation=refusal.operation,
            target=refusal.subject,
            reason=refusal.message,
        )
        raise
