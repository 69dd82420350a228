"""Who is who: creating users and teams, and changing who is in a team (admin operations)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.audit import record_allowed
from incident_graph.domain.directory import GROUP_PREFIX, USER_PREFIX, PersonSpec, name_of
from incident_graph.domain.enums import Role
from incident_graph.domain.errors import BadUserInputError, ConflictError, NotFoundError
from incident_graph.store import Writer
from incident_graph.store import directory as directory_store
from incident_graph.store import users as user_store
from incident_graph.store.tables import Group, User


async def create_user(*, writer: Writer, spec: PersonSpec, role: Role, actor: str) -> User:
    """Create a user; CONFLICT when the name is taken."""

    async def unit(session: AsyncSession) -> User:
        if await user_store.get_user(session, name=spec.name) is not None:
            raise ConflictError(
                f"user {spec.name!r} already exists; pick another name", urn=USER_PREFIX + spec.name
            )
        user = await directory_store.insert_person(
            session,
            name=spec.name,
            role=role,
            display_name=spec.display_name,
            email=spec.email,
            now_ms=writer.clock(),
        )
        await record_allowed(
            session,
            actor=actor,
            operation="createUser",
            target=f"{USER_PREFIX}{spec.name} ({role})",
            now_ms=writer.clock(),
        )
        return user

    return await writer.run(unit)


async def create_group(*, writer: Writer, spec: PersonSpec, actor: str) -> Group:
    """Create a team; CONFLICT when the name is taken."""

    async def unit(session: AsyncSession) -> Group:
        if await directory_store.get_group(session, name=spec.name) is not None:
            raise ConflictError(
                f"group {spec.name!r} already exists; pick another name",
                urn=GROUP_PREFIX + spec.name,
            )
        group = await directory_store.insert_group(
            session, name=spec.name, display_name=spec.display_name, now_ms=writer.clock()
        )
        await record_allowed(
            session,
            actor=actor,
            operation="createGroup",
            target=GROUP_PREFIX + spec.name,
            now_ms=writer.clock(),
        )
        return group

    return await writer.run(unit)


async def change_members(
    *, writer: Writer, group: str, users: Sequence[str], add: bool, actor: str
) -> None:
    """Add users to a team or take them out; all named users must exist. Idempotent."""
    group_name = name_of(group, group=True)
    names = list(dict.fromkeys(name_of(u, group=False) for u in users))
    if not names:
        raise BadUserInputError("name at least one user (urn:li:corpuser:<name>)", field="userUrns")

    async def unit(session: AsyncSession) -> None:
        found = await directory_store.get_group(session, name=group_name)
        if found is None:
            raise NotFoundError(
                f"no group {GROUP_PREFIX}{group_name}; create it with createGroup first"
            )
        rows = {u.name: u.id for u in await directory_store.users_by_names(session, names=names)}
        missing = [n for n in names if n not in rows]
        if missing:
            raise NotFoundError(
                f"no user {USER_PREFIX}{missing[0]}; create it with createUser first",
                urn=USER_PREFIX + missing[0],
            )
        ids = [rows[n] for n in names]
        if add:
            await directory_store.add_members(session, group_id=found.id, user_ids=ids)
        else:
            await directory_store.remove_members(session, group_id=found.id, user_ids=ids)
        await record_allowed(
            session,
            actor=actor,
            operation="addGroupMembers" if add else "removeGroupMembers",
            target=f"{GROUP_PREFIX}{group_name}: {', '.join(USER_PREFIX + n for n in names)}",
            now_ms=writer.clock(),
        )

    await writer.run(unit)
