"""`ownership` -> the asset's owners; PATCH adds and removes single owners."""

from __future__ import annotations

from typing import Any, Final

from incident_graph import urns
from incident_graph.domain.assets import MAX_OWNERS, OwnershipType, OwnerSpec
from incident_graph.domain.ingest import AssetEdit, ListEdit, OwnerKey
from incident_graph.ingest.aspects.fields import asset, items, obj, req_str
from incident_graph.ingest.aspects.patches import keyed, operations
from incident_graph.ingest.aspects.registry import ASSET_TYPES, AspectHandler
from incident_graph.ingest.errors import AspectError

ASPECT: Final = "ownership"
# DataHub's deprecated ownership types, mapped to the current ones they became.
_LEGACY: Final = {
    "DEVELOPER": OwnershipType.TECHNICAL_OWNER,
    "DATAOWNER": OwnershipType.TECHNICAL_OWNER,
    "PRODUCER": OwnershipType.TECHNICAL_OWNER,
    "DELEGATE": OwnershipType.TECHNICAL_OWNER,
    "STAKEHOLDER": OwnershipType.BUSINESS_OWNER,
    "CONSUMER": OwnershipType.BUSINESS_OWNER,
    "CUSTOM": OwnershipType.NONE,
}


def ownership_type(raw: Any) -> OwnershipType:
    if raw is None:
        return OwnershipType.NONE
    if isinstance(raw, str):
        if raw in _LEGACY:
            return _LEGACY[raw]
        if raw in OwnershipType.__members__:
            return OwnershipType(raw)
    raise AspectError(f"{ASPECT}: ownership type {raw!r} is not one of DataHub's types")


def _owner_urn(raw: Any) -> str:
    if not isinstance(raw, str):
        raise AspectError(f"{ASPECT}: owner must be a URN string")
    try:
        urns.parse_actor_urn(raw)
    except urns.InvalidUrnError as exc:
        raise AspectError(f"{ASPECT}: bad owner: {exc}") from exc
    return raw


def _owner(raw: Any) -> OwnerSpec:
    data = obj(raw, f"{ASPECT}.owners[]")
    return OwnerSpec(
        _owner_urn(req_str(data, "owner", f"{ASPECT}.owners[]")), ownership_type(data.get("type"))
    )


def upsert(urn: str, value: Any) -> AssetEdit:
    owners = [_owner(o) for o in items(obj(value, ASPECT), "owners", ASPECT)]
    if len(owners) > MAX_OWNERS:
        raise AspectError(f"{ASPECT}: at most {MAX_OWNERS} owners")
    return AssetEdit(
        asset=asset(urn, "entityUrn"),
        aspect=ASPECT,
        owners=ListEdit(replace=tuple(dict.fromkeys(owners))),
    )


def patch(urn: str, value: Any) -> AssetEdit:
    ops, primary = operations(value, ASPECT)
    order = primary.get("owners", ["owner", "type"])
    replace: tuple[OwnerSpec, ...] | None = None
    add: list[OwnerSpec] = []
    remove: list[OwnerKey] = []
    for op in ops:
        if op.path[0] != "owners":
            continue  # ownerTypes, lastModified
        if len(op.path) == 1:
            replace = () if op.op == "remove" else tuple(_owner(o) for o in op.value or [])
            continue
        if op.op == "remove":
            key = keyed(op, order)
            kind = key.get("type")
            remove.append((_owner_urn(key.get("owner")), ownership_type(kind) if kind else None))
        else:
            add.append(_owner(op.value))
    return AssetEdit(
        asset=asset(urn, "entityUrn"),
        aspect=ASPECT,
        owners=ListEdit(replace=replace, add=tuple(add), remove=tuple(remove)),
    )


def delete(urn: str) -> AssetEdit:
    return AssetEdit(asset=asset(urn, "entityUrn"), aspect=ASPECT, owners=ListEdit(replace=()))


HANDLER: Final = AspectHandler(
    name=ASPECT,
    fqn="com.linkedin.common.Ownership",
    entity_types=ASSET_TYPES,
    upsert=upsert,
    patch=patch,
    delete=delete,
)
