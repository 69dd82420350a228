"""Types for users, teams, tokens, privileges and the audit log (all ours, beyond DataHub)."""

from __future__ import annotations

import strawberry

from incident_graph.api.entity import CorpGroup, CorpUser, actor_entity, user_entity
from incident_graph.api.scalars import Long
from incident_graph.domain.access import GrantScope, Privilege
from incident_graph.domain.enums import Role
from incident_graph.store.tables import AccessToken, AuditEntry, PrivilegeGrant

strawberry.enum(Role, name="UserRole", description="admin, editor, member or viewer.")
strawberry.enum(Privilege, description="What a grant allows.")
strawberry.enum(GrantScope, description="Where a grant applies: everywhere, a platform, an asset.")


@strawberry.type(
    name="PrivilegeGrant", description="A privilege held by a user or group, or implied by a role."
)
class Grant:
    id: strawberry.ID | None
    privilege: Privilege
    scope: GrantScope
    resource: str | None = strawberry.field(
        description="The platform name or asset URN; null for GLOBAL."
    )
    grantee: CorpUser | CorpGroup
    via_role: bool = strawberry.field(description="True when held through the user's role.")

    @classmethod
    def from_row(cls, row: PrivilegeGrant) -> Grant:
        return cls(
            id=strawberry.ID(str(row.id)),
            privilege=Privilege(row.privilege),
            scope=GrantScope(row.scope),
            resource=row.resource or None,
            grantee=actor_entity(row.grantee_urn),
            via_role=False,
        )


@strawberry.type(description="Who the calling token belongs to.")
class Me:
    user: CorpUser
    role: Role
    token_id: strawberry.ID
    groups: list[CorpGroup]
    privileges: list[Grant]


@strawberry.type(description="An access token's metadata; the secret is never shown again.")
class AccessTokenMetadata:
    id: strawberry.ID
    name: str
    user: CorpUser
    created_at: Long
    expires_at: Long | None
    revoked_at: Long | None

    @classmethod
    def from_row(cls, row: AccessToken, user: str) -> AccessTokenMetadata:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            user=user_entity(user),
            created_at=Long(row.created_ms),
            expires_at=None if row.expires_ms is None else Long(row.expires_ms),
            revoked_at=None if row.revoked_ms is None else Long(row.revoked_ms),
        )


@strawberry.type(description="A new token: the secret is shown only in this answer.")
class NewAccessToken:
    access_token: str
    metadata: AccessTokenMetadata


@strawberry.type(description="One audited decision: who tried what, when, and the outcome.")
class AuditLogEntry:
    time: Long
    actor: str
    operation: str
    target: str | None
    allowed: bool
    reason: str | None

    @classmethod
    def from_row(cls, row: AuditEntry) -> AuditLogEntry:
        return cls(
            time=Long(row.time_ms),
            actor=row.actor,
            operation=row.operation,
            target=row.target,
            allowed=row.allowed,
            reason=row.reason,
        )


@strawberry.type
class AuditLogResult:
    start: int
    count: int
    total: int
    entries: list[AuditLogEntry]


@strawberry.input(description="A user to create.")
class CreateUserInput:
    name: str = strawberry.field(description="The user name (or urn:li:corpuser:<name>).")
    display_name: str | None = None
    email: str | None = None
    role: Role = strawberry.field(
        default=Role.MEMBER, description="member (the default) writes only where granted."
    )


@strawberry.input(description="A team to create.")
class CreateGroupInput:
    name: str = strawberry.field(description="The group name (or urn:li:corpGroup:<name>).")
    display_name: str | None = None


@strawberry.input(
    description="A privilege for a user or group, everywhere, on a platform or asset."
)
class PrivilegeGrantInput:
    grantee_urn: str = strawberry.field(
        description="urn:li:corpuser:<name> or urn:li:corpGroup:<name>"
    )
    scope: GrantScope
    resource: str | None = strawberry.field(
        default=None,
        description="PLATFORM: a platform name or urn:li:dataPlatform:<name>; ASSET: an asset "
        "URN; GLOBAL: leave out.",
    )
    privilege: Privilege = Privilege.MANAGE_INCIDENTS
