"""Users, teams, tokens, privileges and the audit log (all ours, beyond DataHub)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from incident_graph import urns
from incident_graph.api.context import Info
from incident_graph.api.entity import Entity
from incident_graph.api.enums import EntityType, GrantScope, Privilege, Role
from incident_graph.api.permissions import IsAdmin
from incident_graph.api.scalars import Long
from incident_graph.store.tables import AccessToken, AuditEntry, PrivilegeGrant


@strawberry.type(description="A user, by URN.")
class CorpUser(Entity):
    username: str

    @strawberry.field(description="Ours: the name to show; null when unknown or not set.")
    async def display_name(self, info: Info) -> str | None:
        user = await info.context.loaders.directory.user.load(self.username)
        return None if user is None else user.display_name

    @strawberry.field(description="Ours: the user's email address; null when unknown or not set.")
    async def email(self, info: Info) -> str | None:
        user = await info.context.loaders.directory.user.load(self.username)
        return None if user is None else user.email

    @strawberry.field(
        permission_classes=[IsAdmin],
        description="Ours (admin): the user's role; null when there is no such user.",
    )
    async def role(self, info: Info) -> Role | None:
        user = await info.context.loaders.directory.user.load(self.username)
        return None if user is None else user.role

    @strawberry.field(description="Ours: the teams this user is in.")
    async def groups(self, info: Info) -> list[CorpGroup]:
        names = await info.context.loaders.directory.groups_of_user.load(self.username)
        return [group_entity(n) for n in names]


@strawberry.type(description="A group of users, by URN.")
class CorpGroup(Entity):
    name: str

    @strawberry.field(description="Ours: the name to show; null when unknown or not set.")
    async def display_name(self, info: Info) -> str | None:
        group = await info.context.loaders.directory.group.load(self.name)
        return None if group is None else group.display_name

    @strawberry.field(description="Ours: the users in this team.")
    async def members(self, info: Info) -> list[CorpUser]:
        names = await info.context.loaders.directory.members_of_group.load(self.name)
        return [user_entity(n) for n in names]


OwnerType = Annotated[CorpUser | CorpGroup, strawberry.union("OwnerType")]


def user_entity(name: str) -> CorpUser:
    return CorpUser(urn=urns.user_urn(name), type=EntityType.CORP_USER, username=name)


def group_entity(name: str) -> CorpGroup:
    return CorpGroup(urn=f"urn:li:corpGroup:{name}", type=EntityType.CORP_GROUP, name=name)


def actor_entity(urn: str) -> CorpUser | CorpGroup:
    """The CorpUser or CorpGroup a stored (already validated) actor URN names."""
    name = urn.rsplit(":", 1)[-1]
    if urns.entity_of(urn) == "corpGroup":
        return CorpGroup(urn=urn, type=EntityType.CORP_GROUP, name=name)
    return CorpUser(urn=urn, type=EntityType.CORP_USER, username=name)


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
            privilege=row.privilege,
            scope=row.scope,
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


@strawberry.type(description="DataHub's: a page of users, by user name.")
class ListUsersResult:
    start: int
    count: int
    total: int
    users: list[CorpUser]


@strawberry.type
class AuditLogResult:
    start: int
    count: int
    total: int
    entries: list[AuditLogEntry]
