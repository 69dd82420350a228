"""Root query fields for access: who is who, `me`, tokens' metadata and the audit log."""

from __future__ import annotations

import strawberry

from incident_graph.api.access.inputs import ListUsersInput
from incident_graph.api.access.types import (
    AccessTokenMetadata,
    AuditLogEntry,
    AuditLogResult,
    CorpGroup,
    CorpUser,
    Grant,
    ListUsersResult,
    Me,
    group_entity,
    user_entity,
)
from incident_graph.api.context import Info
from incident_graph.api.enums import GrantScope, Privilege, Role
from incident_graph.api.permissions import IsAdmin, refuse
from incident_graph.auth.privileges import grants_held
from incident_graph.domain.directory import check_user_query, name_of
from incident_graph.domain.errors import NotFoundError
from incident_graph.domain.paging import DEFAULT_COUNT, page
from incident_graph.services import users as user_service
from incident_graph.store import audit as audit_store
from incident_graph.store import users as user_store


async def _user_id(info: Info, urn: str) -> int:
    name = name_of(urn, group=False)
    async with info.context.db.reading() as session:
        user = await user_store.get_user(session, name=name)
    if user is None:
        raise NotFoundError(f"no user {urn!r}; create it with createUser")
    return user.id


@strawberry.type
class AccessQueries:
    @strawberry.field(description="A user by URN; null when there is no such user.")
    async def corp_user(self, info: Info, urn: str) -> CorpUser | None:
        name = name_of(urn, group=False)
        found = await info.context.loaders.directory.user.load(name)
        return None if found is None else user_entity(name)

    @strawberry.field(description="A team by URN; null when there is no such team.")
    async def corp_group(self, info: Info, urn: str) -> CorpGroup | None:
        name = name_of(urn, group=True)
        found = await info.context.loaders.directory.group.load(name)
        return None if found is None else group_entity(name)

    @strawberry.field(
        description="Ours: who the calling token belongs to, with their teams and privileges."
    )
    async def me(self, info: Info) -> Me:
        ctx = info.context
        principal = ctx.principal
        async with ctx.db.reading() as session:
            rows = await grants_held(session, principal=principal)
        user = user_entity(principal.name)
        implied = [
            Grant(
                id=None,
                privilege=privilege,
                scope=GrantScope.GLOBAL,
                resource=None,
                grantee=user,
                via_role=True,
            )
            for privilege in Privilege
        ]
        names = await ctx.loaders.directory.groups_of_user.load(principal.name)
        return Me(
            user=user,
            role=principal.role,
            token_id=strawberry.ID(str(principal.token_id)),
            groups=[group_entity(n) for n in names],
            privileges=(implied if principal.role.writes_everywhere else [])
            + [Grant.from_row(r) for r in rows],
        )

    @strawberry.field(
        description=(
            "Ours: your tokens' metadata (never secrets). Admins may pass userUrn for another "
            "user's tokens, or everyone: true for all tokens."
        )
    )
    async def list_access_tokens(
        self, info: Info, user_urn: str | None = None, everyone: bool = False
    ) -> list[AccessTokenMetadata]:
        principal = info.context.principal
        user_id: int | None = principal.user_id
        if user_urn is not None or everyone:
            if principal.role is not Role.ADMIN:
                await refuse(info, "only an admin may list other users' tokens", user_urn)
            user_id = None if everyone else await _user_id(info, user_urn or "")
        rows = await user_service.list_access_tokens(db=info.context.db, user_id=user_id)
        return [AccessTokenMetadata.from_row(token, name) for token, name in rows]

    @strawberry.field(
        permission_classes=[IsAdmin],
        description="DataHub's (admin): users by name, with a text query to narrow them.",
    )
    async def list_users(self, info: Info, input: ListUsersInput) -> ListUsersResult:
        window = page(input.start, input.count)
        query = check_user_query(input.query)
        async with info.context.db.reading() as session:
            total, rows = await user_store.page_users(
                session, query=query, start=window.start, count=window.count
            )
        return ListUsersResult(
            start=window.start,
            count=len(rows),
            total=total,
            users=[user_entity(row.name) for row in rows],
        )

    @strawberry.field(
        permission_classes=[IsAdmin],
        description="Ours (admin): refusals and security changes, newest first.",
    )
    async def audit_log(
        self, info: Info, start: int | None = 0, count: int | None = DEFAULT_COUNT
    ) -> AuditLogResult:
        window = page(start, count)
        async with info.context.db.reading() as session:
            total, rows = await audit_store.page(session, start=window.start, count=window.count)
        return AuditLogResult(
            start=window.start,
            count=len(rows),
            total=total,
            entries=[AuditLogEntry.from_row(r) for r in rows],
        )
