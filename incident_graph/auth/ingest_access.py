"""Who may write metadata through DataHub's REST ingestion: INGEST_METADATA.

Admins and editors hold it everywhere; viewers never; a member holds it where it (or a group
it is in) was granted it: globally, on a platform or on one asset. Aspects that are not
stored (unmodelled entity types) need the privilege somewhere, nothing more. Like
MANAGE_INCIDENTS, the check reads the stored role and grants in the session it is given: the
write's own unit, so a revocation that committed first applies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.principal import Principal
from incident_graph.auth.privileges import AccessDeniedError, group_urns
from incident_graph.domain.access import Privilege, Target, first_uncovered, holdings
from incident_graph.domain.enums import Role
from incident_graph.store import grants as grant_store
from incident_graph.store import users as user_store


@dataclass(frozen=True, slots=True)
class IngestAccess:
    principal: Principal
    operation: str

    async def check(self, session: AsyncSession, *, targets: Sequence[Target]) -> None:
        """INGEST_METADATA on every target (any grant when there are none), or refused."""
        principal = self.principal
        stored = await user_store.role_of(session, user_id=principal.user_id)
        role = Role(stored) if stored is not None else Role.VIEWER
        if role.writes_everywhere:
            return
        subject = ", ".join(t.urn for t in targets[:5]) or "metadata"
        if not role.can_write:
            raise self._refusal(
                f"user {principal.name!r} has role {role.value!r}, which can only read; "
                "ingestion needs INGEST_METADATA (admin, editor, or a grant)",
                subject,
            )
        actors = [principal.urn, *await group_urns(session, principal=principal)]
        grants = await grant_store.grants_of(
            session, grantee_urns=actors, privilege=Privilege.INGEST_METADATA.value
        )
        held = holdings(((g.scope, g.resource) for g in grants), ())
        missing = first_uncovered(held, targets) if targets else None
        if grants and missing is None:
            return
        where = f" on {missing.urn}" if missing is not None else ""
        raise self._refusal(
            f"{self.operation} needs INGEST_METADATA{where}, and user {principal.name!r} does "
            "not hold it: ask an admin to grantPrivilege(privilege: INGEST_METADATA) to the "
            "user or a group they are in",
            subject,
        )

    def _refusal(self, reason: str, subject: str) -> AccessDeniedError:
        return AccessDeniedError(
            reason, principal=self.principal, operation=self.operation, subject=subject
        )
