"""DataHub's JSON Patch aspects (`application/json-patch+json`): a list of operations, or
`{"patch": [...], "arrayPrimaryKeys": {...}}`; paths escape `/` as `~1` and `~` as `~0`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from incident_graph.ingest.errors import AspectError


@dataclass(frozen=True, slots=True)
class PatchOp:
    op: str  # add, replace or remove
    path: tuple[str, ...]
    value: Any


def _unquote(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def operations(value: Any, what: str) -> tuple[list[PatchOp], dict[str, list[str]]]:
    """The operations of a patch aspect, and its arrayPrimaryKeys (field -> key order)."""
    keys: dict[str, list[str]] = {}
    raw = value
    if isinstance(value, dict):
        raw = value.get("patch")
        primary = value.get("arrayPrimaryKeys") or {}
        if isinstance(primary, dict):
            keys = {k: [str(p) for p in v] for k, v in primary.items() if isinstance(v, list)}
    if not isinstance(raw, list):
        raise AspectError(f"{what}: a patch is a list of operations")
    ops: list[PatchOp] = []
    for position, item in enumerate(raw):
        if not isinstance(item, dict):
            raise AspectError(f"{what}: patch operation {position} must be an object")
        op, path = item.get("op"), item.get("path")
        if op not in {"add", "replace", "remove"}:
            raise AspectError(
                f"{what}: patch operation {position} has op {op!r}; use add, replace or remove"
            )
        if not isinstance(path, str) or not path.startswith("/"):
            raise AspectError(f"{what}: patch operation {position} needs a path like /field/key")
        parts = tuple(_unquote(p) for p in path[1:].split("/"))
        ops.append(PatchOp(op=op, path=parts, value=item.get("value")))
    return ops, keys


def keyed(op: PatchOp, order: list[str]) -> dict[str, str]:
    """The path's key parts after the field, named by the arrayPrimaryKeys order."""
    return {name: part for name, part in zip(order, op.path[1:], strict=False) if part}
