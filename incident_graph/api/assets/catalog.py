"""Catalog shapes on assets, in DataHub's form: properties, platform, ownership, tags."""

from __future__ import annotations

from enum import Enum

import strawberry

from incident_graph.api.access.types import OwnerType
from incident_graph.api.entity import Entity
from incident_graph.api.enums import EntityType, OwnershipType


@strawberry.type(description="An entry of a custom properties map (DataHub's).")
class CustomPropertiesEntry:
    key: str
    value: str | None
    associated_urn: str


@strawberry.type(description="Descriptive properties of an asset.")
class AssetProperties:
    name: str
    description: str | None
    custom_properties: list[CustomPropertiesEntry] | None = strawberry.field(
        default=None, description="Null: DataHub's custom properties are not kept here."
    )


@strawberry.enum(description="The category of a data platform (DataHub's).")
class PlatformType(Enum):
    FILE_SYSTEM = "FILE_SYSTEM"
    KEY_VALUE_STORE = "KEY_VALUE_STORE"
    MESSAGE_BROKER = "MESSAGE_BROKER"
    OBJECT_STORE = "OBJECT_STORE"
    OLAP_DATASTORE = "OLAP_DATASTORE"
    QUERY_ENGINE = "QUERY_ENGINE"
    RELATIONAL_DB = "RELATIONAL_DB"
    SEARCH_ENGINE = "SEARCH_ENGINE"
    OTHERS = "OTHERS"


@strawberry.type(description="Properties of a data platform (DataHub's).")
class DataPlatformProperties:
    type: PlatformType
    display_name: str | None
    dataset_name_delimiter: str
    logo_url: str | None


@strawberry.type(description="The platform an asset lives on (snowflake, looker, airflow, ...).")
class DataPlatform(Entity):
    name: str

    @strawberry.field(description="Null: platform properties (logo, category) are not kept here.")
    def properties(self) -> DataPlatformProperties | None:
        return None


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
    "CustomPropertiesEntry",
    "DataPlatform",
    "DataPlatformProperties",
    "GlobalTags",
    "Owner",
    "Ownership",
    "PlatformType",
    "Tag",
    "TagAssociation",
    "platform_entity",
    "tag_entity",
]
