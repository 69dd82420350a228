"""`globalTags` -> the asset's tags (stored by name); PATCH adds and removes single tags."""

from __future__ import annotations

from typing import Any, Final

from incident_graph.domain.assets import MAX_TAGS, tag_name
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.ingest import AssetEdit, ListEdit
from incident_graph.ingest.aspects.fields import asset, checked, items, obj, req_str
from incident_graph.ingest.aspects.patches import keyed, operations
from incident_graph.ingest.aspects.registry import ASSET_TYPES, AspectHandler

ASPECT: Final = "globalTags"


def _name(raw: Any) -> str:
    try:
        return tag_name(raw if isinstance(raw, str) else "")
    except BadUserInputError as exc:
        raise checked(ASPECT, exc) from exc


def _tag(raw: Any) -> str:
    return _name(req_str(obj(raw, f"{ASPECT}.tags[]"), "tag", f"{ASPECT}.tags[]"))


def upsert(urn: str, value: Any) -> AssetEdit:
    tags = tuple(dict.fromkeys(_tag(t) for t in items(obj(value, ASPECT), "tags", ASPECT)))
    if len(tags) > MAX_TAGS:
        raise checked(ASPECT, BadUserInputError(f"at most {MAX_TAGS} tags"))
    return AssetEdit(asset=asset(urn, "entityUrn"), aspect=ASPECT, tags=ListEdit(replace=tags))


def patch(urn: str, value: Any) -> AssetEdit:
    ops, primary = operations(value, ASPECT)
    order = primary.get("tags", ["tag"])
    replace: tuple[str, ...] | None = None
    add: list[str] = []
    remove: list[str] = []
    for op in ops:
        if op.path[0] != "tags":
            continue
        if len(op.path) == 1:
            replace = () if op.op == "remove" else tuple(_tag(t) for t in (op.value or []))
        elif op.op == "remove":
            remove.append(_name(keyed(op, order).get("tag")))
        else:
            add.append(_tag(op.value))
    return AssetEdit(
        asset=asset(urn, "entityUrn"),
        aspect=ASPECT,
        tags=ListEdit(replace=replace, add=tuple(add), remove=tuple(remove)),
    )


def delete(urn: str) -> AssetEdit:
    return AssetEdit(asset=asset(urn, "entityUrn"), aspect=ASPECT, tags=ListEdit(replace=()))


HANDLER: Final = AspectHandler(
    name=ASPECT,
    fqn="com.linkedin.common.GlobalTags",
    entity_types=ASSET_TYPES,
    upsert=upsert,
    patch=patch,
    delete=delete,
)
