"""Inputs of the asset catalog: an asset to register or update, and its owners."""

from __future__ import annotations

import strawberry

from incident_graph.api.enums import OwnershipType


@strawberry.input(description="An owner of an asset.")
class OwnerInput:
    owner_urn: str = strawberry.field(
        description="urn:li:corpuser:<name> or urn:li:corpGroup:<name>"
    )
    type: OwnershipType | None = OwnershipType.TECHNICAL_OWNER


@strawberry.input(description="An asset to register or update; omitted fields keep what is stored.")
class AssetInput:
    urn: str
    name: str | None = None
    description: str | None = None
    owners: list[OwnerInput] | None = None
    tags: list[str] | None = strawberry.field(
        default=None, description="Names or urn:li:tag:<name>."
    )
    upstream_urns: list[str] | None = strawberry.field(
        default=None, description="Assets this one reads from (its lineage inputs)."
    )
