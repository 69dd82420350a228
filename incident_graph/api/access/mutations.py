"""Root fields for access: tokens, privilege grants and the audit log."""

from __future__ import annotations

from typing import Annotated

import strawberry

from incident_graph.api.access.types import (
    AccessTokenMetadata,
    AuditLogEntry,
    AuditLogResult,
    Grant,
    NewAccessToken,
    PrivilegeGrantInput,
)
from incident_graph.api.context import Info
from incident_graph.api.entity import user_entity
from incident_graph.api.permissions import IsAdmin, refuse
from incident_graph.api.scalars import Long
from incident_graph.domain.access import build_grant
from incident_graph.domain.directory import name_of
from incident_graph.domain.enums import Role
from incident_graph.domain.errors import BadUserInputError, NotFoundError
from incident_graph.domain.paging import DEFAULT_COUNT, page
from incident_graph.services import grants as grant_service
from incident_graph.services import users as user_service
from incident_graph.store import audit as audit_store
from incident_graph.store import users as user_store

TokenId = Annotated[strawberry.ID, strawberry.argument(name="id")]


async def _user_id(info: Info, urn: str) -> int:
    name = name_of(urn, group=False)
    async with info.context.db.reading() as session:
        user = await user_store.get_user(session, name=name)
    if user is None:
        raise NotFoundError(f"no user {urn!r}; create it with createUser")
    return user.id


@strawberry.type
class AccessQueries:
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


@strawberry.type
class AccessMutations:
    @strawberry.mutation(
        description=(
            "Ours: a new token for yourself (admins: for userUrn); the secret is in this answer "
            "only. expiresInDays left out means it never expires."
        )
    )
    async def create_access_token(
        self,
        info: Info,
        name: str,
        expires_in_days: int | None = None,
        user_urn: str | None = None,
    ) -> NewAccessToken:
        principal = info.context.principal
        user = principal.name
        if user_urn is not None and name_of(user_urn, group=False) != principal.name:
            if principal.role is not Role.ADMIN:
                await refuse(info, "only an admin may create tokens for other users", user_urn)
            user = name_of(user_urn, group=False)
        issued = await user_service.issue_access_token(
            writer=info.context.writer,
            user=user,
            label=name,
            expires_in_days=expires_in_days,
            actor=principal.urn,
        )
        return NewAccessToken(
            access_token=issued.secret,
            metadata=AccessTokenMetadata(
                id=strawberry.ID(str(issued.token_id)),
                name=issued.name,
                user=user_entity(user),
                created_at=Long(issued.created_ms),
                expires_at=None if issued.expires_ms is None else Long(issued.expires_ms),
                revoked_at=None,
            ),
        )

    @strawberry.mutation(
        description=(
            "Ours: revoke one of your tokens (admins: anyone's); the next request with it is "
            "refused."
        )
    )
    async def revoke_access_token(self, info: Info, token_id: TokenId) -> bool:
        principal = info.context.principal
        try:
            wanted = int(token_id)
        except ValueError as exc:
            raise BadUserInputError(
                f"token id {token_id!r} is not one listAccessTokens returned", field="id"
            ) from exc
        await user_service.revoke_token(
            writer=info.context.writer,
            token_id=wanted,
            owner_id=None if principal.role is Role.ADMIN else principal.user_id,
            actor=principal.urn,
        )
        return True

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Ours (admin): grant a privilege; granting it again changes nothing.",
    )
    async def grant_privilege(self, info: Info, input: PrivilegeGrantInput) -> Grant:
        spec = build_grant(
            privilege=input.privilege,
            grantee_urn=input.grantee_urn,
            scope=input.scope,
            resource=input.resource,
        )
        row = await grant_service.grant(
            writer=info.context.writer, spec=spec, actor=info.context.principal.urn
        )
        return Grant.from_row(row)

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Ours (admin): take a grant back; it stops applying on the next request.",
    )
    async def revoke_privilege(self, info: Info, input: PrivilegeGrantInput) -> bool:
        spec = build_grant(
            privilege=input.privilege,
            grantee_urn=input.grantee_urn,
            scope=input.scope,
            resource=input.resource,
        )
        await grant_service.revoke(
            writer=info.context.writer, spec=spec, actor=info.context.principal.urn
        )
        return True
