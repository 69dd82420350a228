"""Root fields for who is who: users, teams, membership and `me`."""

from __future__ import annotations

import strawberry

from incident_graph.api.access.types import CreateGroupInput, CreateUserInput, Grant, Me
from incident_graph.api.context import Info
from incident_graph.api.entity import CorpGroup, CorpUser, group_entity, user_entity
from incident_graph.api.permissions import IsAdmin
from incident_graph.auth.privileges import grants_held
from incident_graph.domain.access import GrantScope, Privilege
from incident_graph.domain.directory import build_person, name_of
from incident_graph.domain.enums import Role
from incident_graph.services import directory as directory_service
from incident_graph.services import users as user_service


@strawberry.type
class DirectoryQueries:
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


@strawberry.type
class DirectoryMutations:
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
