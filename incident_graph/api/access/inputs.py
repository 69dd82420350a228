"""Inputs for users, teams and privilege grants."""

from __future__ import annotations

import strawberry

from incident_graph.api.enums import GrantScope, Privilege, Role


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


@strawberry.input(description="DataHub's: a page of users, optionally narrowed by a text query.")
class ListUsersInput:
    start: int | None = 0
    count: int | None = 20
    query: str | None = strawberry.field(
        default=None,
        description="Ours: users whose name, display name or email contains this (any case).",
    )
