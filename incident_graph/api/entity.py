"""DataHub's Entity interface, the small entities incidents point at, and assets by URN."""

from __future__ import annotations

import strawberry

from incident_graph import urns
from incident_graph.api.context import Info
from incident_graph.api.enums import EntityType
from incident_graph.api.scalars import Long
from incident_graph.domain.errors import BadUserInputError


@strawberry.interface(description="Anything with a URN.")
class Entity:
    urn: str
    type: EntityType


@strawberry.type(description="Who did something, and when (epoch milliseconds).")
class AuditStamp:
    time: Long
    actor: str | None = None


@strawberry.type(description="An entity of a kind this server does not model further.")
class OtherEntity(Entity):
    pass


async def find_asset(info: Info, urn: str, entity: str) -> Entity | None:
    """The asset `urn` names, or None when none is known; BAD_USER_INPUT for a bad URN or one
    of another kind than `entity` (dataset, dashboard, ...)."""
    try:
        parsed = urns.parse_asset_urn(urn)
    except urns.InvalidUrnError as exc:
        raise BadUserInputError(str(exc), field="urn") from exc
    if parsed.entity != entity:
        raise BadUserInputError(
            f"{urn!r} is a {parsed.entity} URN; query it with {parsed.entity}(urn: ...)",
            field="urn",
        )
    row = await info.context.loaders.assets.by_urn.load(urn)
    return None if row is None else info.context.asset_entity(row)


__all__ = ["AuditStamp", "Entity", "OtherEntity", "find_asset"]
