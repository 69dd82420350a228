"""DataHub's Entity interface and the small entities incidents point at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import strawberry

from incident_graph import urns
from incident_graph.api.context import Info
from incident_graph.api.enums import EntityType
from incident_graph.api.scalars import Long
from incident_graph.store.tables import Asset as AssetRow


@strawberry.interface(description="Anything with a URN.")
class Entity:
    urn: str
    type: EntityType


@strawberry.type(description="Who did something, and when (epoch milliseconds).")
class AuditStamp:
    time: Long
    actor: str | None = None


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


def user_entity(name: str) -> CorpUser:
    return CorpUser(urn=urns.user_urn(name), type=EntityType.CORP_USER, username=name)


def group_entity(name: str) -> CorpGroup:
    return CorpGroup(urn=f"urn:li:corpGroup:{name}", type=EntityType.CORP_GROUP, name=name)


@strawberry.type(description="A data-quality check that can raise incidents.")
class Assertion(Entity):
    pass


@strawberry.type(description="An entity of a kind this server does not model further.")
class OtherEntity(Entity):
    pass


OwnerType = Annotated[CorpUser | CorpGroup, strawberry.union("OwnerType")]


def actor_entity(urn: str) -> CorpUser | CorpGroup:
    """The CorpUser or CorpGroup a stored (already validated) actor URN names."""
    name = urn.rsplit(":", 1)[-1]
    if urns.entity_of(urn) == "corpGroup":
        return CorpGroup(urn=urn, type=EntityType.CORP_GROUP, name=name)
    return CorpUser(urn=urn, type=EntityType.CORP_USER, username=name)


def reference_entity(urn: str) -> Entity:
    """An Entity for a URN that is only referred to (an incident's source, say)."""
    entity = urns.entity_of(urn)
    if entity in urns.ACTOR_ENTITY_TYPES:
        return actor_entity(urn)
    if entity == "assertion":
        return Assertion(urn=urn, type=EntityType.ASSERTION)
    return OtherEntity(urn=urn, type=EntityType.OTHER)


AssetFactory = Callable[[AssetRow], Entity]
_asset_factories: dict[str, AssetFactory] = {}


def register_asset_type(entity_type: str, factory: AssetFactory) -> None:
    """Asset types register here so incidents can return them without importing them."""
    _asset_factories[entity_type] = factory


def asset_entity(row: AssetRow) -> Entity:
    return _asset_factories[row.entity_type](row)
