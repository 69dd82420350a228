"""Root mutation fields for access: users, teams and roles, tokens, privilege grants."""

from __future__ import annotations

from typing import Annotated

import strawberry

from incident_graph.api.access.inputs import (
    CreateGroupInput,
    CreateUserInput,
    PrivilegeGrantInput,
)
from incident_graph.api.access.types import (
    AccessTokenMetadata,
    CorpGroup,
    CorpUser,
    Grant,
    NewAccessToken,
    group_entity,
    user_entity,
)
from incident_graph.api.context import Info
from incident_graph.api.enums import Role
from incident_graph.api.permissions import IsAdmin, refuse
from incident_graph.api.scalars import Long
from incident_graph.domain.access import build_grant
from incident_graph.domain.directory import build_person, name_of
from incident_graph.domain.ids import parse_id
from incident_graph.services import directory as directory_service
from incident_graph.services import grants as grant_service
from incident_graph.services import users as user_service

TokenId = Annotated[strawberry.ID, strawberry.argument(name="id")]


@strawberry.type
class AccessMutations:
    @strawberry.mutation(
        permission_classes=[IsAdmin], description="Ours (admin): create a user; no token yet."
    )
    async def create_user(self, info: Info, input: CreateUserInput) -> CorpUser:
        spec = build_person(
            name=input.name, display_name=input.display_name, email=input.email, group=False
        )
        user = await directory_service.create_user(
            writer=info.context.writer, spec=spec, role=input.role, actor=info.context.principal.urn
        )
        return user_entity(user.name)

    @strawberry.mutation(permission_classes=[IsAdmin], description="Ours (admin): create a team.")
    async def create_group(self, info: Info, input: CreateGroupInput) -> CorpGroup:
        spec = build_person(
            name=input.name, display_name=input.display_name, email=None, group=True
        )
        group = await directory_service.create_group(
            writer=info.context.writer, spec=spec, actor=info.context.principal.urn
        )
        return group_entity(group.name)

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Ours (admin): add users to a team (already-members are fine).",
    )
    async def add_group_members(self, info: Info, group_urn: str, user_urns: list[str]) -> bool:
        await directory_service.change_members(
            writer=info.context.writer,
            group=group_urn,
            users=user_urns,
            add=True,
            actor=info.context.principal.urn,
        )
        return True

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description="Ours (admin): take users out of a team (non-members are fine).",
    )
    async def remove_group_members(self, info: Info, group_urn: str, user_urns: list[str]) -> bool:
        await directory_service.change_members(
            writer=info.context.writer,
            group=group_urn,
            users=user_urns,
            add=False,
            actor=info.context.principal.urn,
        )
        return True

    @strawberry.mutation(
        permission_classes=[IsAdmin],
        description=(
            "Ours (admin): give a user another role; it applies from their next request. "
            "CONFLICT when it would demote the last admin."
        ),
    )
    async def set_user_role(self, info: Info, urn: str, role: Role) -> bool:
        await user_service.set_user_role(
            writer=info.context.writer,
            user=name_of(urn, group=False),
            role=role,
            actor=info.context.principal.urn,
        )
        return True

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
        wanted = parse_id(
            token_id,
            field="id",
            refusal=f"token id {token_id!r} is not one listAccessTokens returned",
        )
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
