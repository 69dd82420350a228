"""DataHub's Entity interface and the small entities incidents point at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import strawberry

from incident_graph import urns
from incident_graph.api.types.enums import EntityType
from incident_graph.api.types.scalars import Long
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


@strawberry.type(description="A group of users, by URN.")
class CorpGroup(Entity):
    name: str


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
