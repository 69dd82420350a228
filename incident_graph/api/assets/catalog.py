"""Catalog shapes on assets, in DataHub's form: properties, platform, ownership, tags."""

from __future__ import annotations

import strawberry

from incident_graph.api.access.types import OwnerType
from incident_graph.api.entity import Entity
from incident_graph.api.enums import EntityType, OwnershipType


@strawberry.type(description="Descriptive properties of an asset.")
class AssetProperties:
    name: str
    description: str | None


@strawberry.type(description="The platform an asset lives on (snowflake, looker, airflow, ...).")
class DataPlatform(Entity):
    name: str


@strawberry.type(description="One owner of an asset and the kind of ownership.")
class Owner:
    owner: OwnerType
    type: OwnershipType


@strawberry.type(description="Who owns an asset.")
class Ownership:
    owners: list[Owner]


@strawberry.type(description="A tag.")
class Tag(Entity):
    name: str


@strawberry.type(description="A tag on an asset.")
class TagAssociation:
    tag: Tag


@strawberry.type(description="The tags on an asset.")
class GlobalTags:
    tags: list[TagAssociation]


def tag_entity(name: str) -> Tag:
    return Tag(urn=f"urn:li:tag:{name}", type=EntityType.TAG, name=name)


def platform_entity(name: str) -> DataPlatform:
    return DataPlatform(urn=f"urn:li:dataPlatform:{name}", type=EntityType.DATA_PLATFORM, name=name)


__all__ = [
    "AssetProperties",
    "DataPlatform",
    "GlobalTags",
    "Owner",
    "Ownership",
    "Tag",
    "TagAssociation",
    "platform_entity",
    "tag_entity",
]
