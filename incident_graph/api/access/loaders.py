"""Per-request DataLoaders for users and teams: details and memberships, batched by name."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from strawberry.dataloader import DataLoader

from incident_graph.store import Database
from incident_graph.store import directory as directory_store
from incident_graph.store.tables import Group, User


class DirectoryLoaders:
    def __init__(self, db: Database) -> None:
        self._db = db

    @cached_property
    def user(self) -> DataLoader[str, User | None]:
        return DataLoader(self._users)

    @cached_property
    def group(self) -> DataLoader[str, Group | None]:
        return DataLoader(self._groups)

    @cached_property
    def groups_of_user(self) -> DataLoader[str, list[str]]:
        return DataLoader(self._groups_of_users)

    @cached_property
    def members_of_group(self) -> DataLoader[str, list[str]]:
        return DataLoader(self._members_of_groups)

    async def _users(self, keys: Sequence[str]) -> list[User | None]:
        async with self._db.reading() as session:
            rows = await directory_store.users_by_names(session, names=keys)
        by_name = {r.name: r for r in rows}
        return [by_name.get(k) for k in keys]

    async def _groups(self, keys: Sequence[str]) -> list[Group | None]:
        async with self._db.reading() as session:
            rows = await directory_store.groups_by_names(session, names=keys)
        by_name = {r.name: r for r in rows}
        return [by_name.get(k) for k in keys]

    async def _groups_of_users(self, keys: Sequence[str]) -> list[list[str]]:
        async with self._db.reading() as session:
            found = await directory_store.group_names_of_users(session, user_names=keys)
        return [found.get(k, []) for k in keys]

    async def _members_of_groups(self, keys: Sequence[str]) -> list[list[str]]:
        async with self._db.reading() as session:
            found = await directory_store.member_names_of_groups(session, group_names=keys)
        return [found.get(k, []) for k in keys]
