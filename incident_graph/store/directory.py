"""Users' details, teams and team membership."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.store.dialect import dialect_of
from incident_graph.store.tables import Group, GroupMember, User


async def insert_person(
    session: AsyncSession,
    *,
    name: str,
    role: str,
    display_name: str | None,
    email: str | None,
    now_ms: int,
) -> User:
    result = await session.execute(
        insert(User)
        .values(name=name, role=role, display_name=display_name, email=email, created_ms=now_ms)
        .returning(User)
    )
    return result.scalar_one()


async def users_by_names(session: AsyncSession, *, names: Sequence[str]) -> list[User]:
    return list(await session.scalars(select(User).where(User.name.in_(names))))


async def get_group(session: AsyncSession, *, name: str) -> Group | None:
    return (await session.scalars(select(Group).where(Group.name == name))).one_or_none()


async def groups_by_names(session: AsyncSession, *, names: Sequence[str]) -> list[Group]:
    return list(await session.scalars(select(Group).where(Group.name.in_(names))))


async def insert_group(
    session: AsyncSession, *, name: str, display_name: str | None, now_ms: int
) -> Group:
    result = await session.execute(
        insert(Group)
        .values(name=name, display_name=display_name, created_ms=now_ms)
        .returning(Group)
    )
    return result.scalar_one()


async def add_members(session: AsyncSession, *, group_id: int, user_ids: Sequence[int]) -> None:
    rows = [{"group_id": group_id, "user_id": u} for u in sorted(set(user_ids))]
    if rows:
        await session.execute(dialect_of(session).insert_ignore(GroupMember), rows)


async def remove_members(session: AsyncSession, *, group_id: int, user_ids: Sequence[int]) -> None:
    await session.execute(
        delete(GroupMember).where(
            GroupMember.group_id == group_id, GroupMember.user_id.in_(user_ids)
        )
    )


async def group_names_of_users(
    session: AsyncSession, *, user_names: Sequence[str]
) -> dict[str, list[str]]:
    """user name -> names of the groups they are in, sorted."""
    rows = await session.execute(
        select(User.name, Group.name)
        .join(GroupMember, GroupMember.user_id == User.id)
        .join(Group, Group.id == GroupMember.group_id)
        .where(User.name.in_(user_names))
        .order_by(User.name, Group.name)
    )
    out: dict[str, list[str]] = defaultdict(list)
    for user, group in rows:
        out[user].append(group)
    return out


async def member_names_of_groups(
    session: AsyncSession, *, group_names: Sequence[str]
) -> dict[str, list[str]]:
    """group name -> names of its members, sorted."""
    rows = await session.execute(
        select(Group.name, User.name)
        .join(GroupMember, GroupMember.group_id == Group.id)
        .join(User, User.id == GroupMember.user_id)
        .where(Group.name.in_(group_names))
        .order_by(Group.name, User.name)
    )
    out: dict[str, list[str]] = defaultdict(list)
    for group, user in rows:
        out[group].append(user)
    return out
