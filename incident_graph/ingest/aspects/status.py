"""`status {removed}` -> soft delete, and back; the key aspects -> the entity exists."""

from __future__ import annotations

from typing import Any, Final

from incident_graph.domain.ingest import AssetEdit, EntityDelete
from incident_graph.ingest.aspects.fields import asset, obj
from incident_graph.ingest.aspects.registry import ASSET_TYPES, AspectHandler
from incident_graph.ingest.errors import AspectError
from incident_graph.urns import entity_of

ASPECT: Final = "status"


def upsert(urn: str, value: Any) -> AssetEdit:
    removed = obj(value, ASPECT).get("removed", False)
    if not isinstance(removed, bool):
        raise AspectError(f"{ASPECT}.removed must be true or false")
    return AssetEdit(asset=asset(urn, "entityUrn"), aspect=ASPECT, removed=removed)


def delete(urn: str) -> AssetEdit:
    return AssetEdit(asset=asset(urn, "entityUrn"), aspect=ASPECT, removed=False)


def _key(aspect: str, fqn: str, entity: str) -> AspectHandler:
    def upsert_key(urn: str, _value: Any) -> AssetEdit:
        # The entity exists once its key does: registering it is all a key aspect asks.
        return AssetEdit(asset=asset(urn, "entityUrn"), aspect=aspect)

    def delete_key(urn: str) -> EntityDelete:
        return EntityDelete(urn=urn, entity_type=entity_of(urn) or entity)

    return AspectHandler(
        name=aspect,
        fqn=fqn,
        entity_types=frozenset({entity}),
        upsert=upsert_key,
        delete=delete_key,
        key=True,
    )


KEY_FQN: Final = "com.linkedin.metadata.key."
HANDLERS: Final = (
    AspectHandler(
        name=ASPECT,
        fqn="com.linkedin.common.Status",
        entity_types=ASSET_TYPES,
        upsert=upsert,
        delete=delete,
    ),
    _key("datasetKey", KEY_FQN + "DatasetKey", "dataset"),
    _key("dashboardKey", KEY_FQN + "DashboardKey", "dashboard"),
    _key("chartKey", KEY_FQN + "ChartKey", "chart"),
    _key("dataFlowKey", KEY_FQN + "DataFlowKey", "dataFlow"),
    _key("dataJobKey", KEY_FQN + "DataJobKey", "dataJob"),
)
