"""Asset registry rules: what a valid asset upsert is. Pure; no I/O."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from incident_graph import urns
from incident_graph.domain import limits
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.text import check_optional_text

MAX_UPSERT: Final = 1000
MAX_NAME: Final = limits.URN
MAX_DESCRIPTION: Final = limits.LONG_TEXT
MAX_OWNERS: Final = 100
MAX_TAGS: Final = 100
MAX_UPSTREAMS: Final = 1000
MAX_TAG: Final = limits.TAG
TAG_PREFIX: Final = "urn:li:tag:"


class OwnershipType(StrEnum):
    """DataHub's ownership types."""

    TECHNICAL_OWNER = "TECHNICAL_OWNER"
    BUSINESS_OWNER = "BUSINESS_OWNER"
    DATA_STEWARD = "DATA_STEWARD"
    NONE = "NONE"


@dataclass(frozen=True, slots=True)
class OwnerSpec:
    urn: str
    type: OwnershipType


@dataclass(frozen=True, slots=True)
class AssetSpec:
    """An asset to register; None in a field means "leave what is stored"."""

    asset: urns.AssetUrn
    name: str | None = None
    description: str | None = None
    owners: tuple[OwnerSpec, ...] | None = None
    tags: tuple[str, ...] | None = None
    upstreams: tuple[urns.AssetUrn, ...] | None = None


def _text(what: str, value: str | None, limit: int) -> str | None:
    return check_optional_text(what, value, limit)


def tag_name(tag: str) -> str:
    """Tags are stored by name; `urn:li:tag:pii` and `pii` are the same tag."""
    name = tag.removeprefix(TAG_PREFIX).strip()
    if len(name) > MAX_TAG:
        raise BadUserInputError(f"tag is {len(name)} characters long; the limit is {MAX_TAG}")
    if not name or len(name) > MAX_TAG or any(ch.isspace() for ch in name):
        raise BadUserInputError(
            f"bad tag {tag!r}: give a name without spaces (or urn:li:tag:<name>)"
        )
    return name


def _owners(urn: str, owners: list[tuple[str, str | None]]) -> tuple[OwnerSpec, ...]:
    if len(owners) > MAX_OWNERS:
        raise BadUserInputError(f"{urn}: at most {MAX_OWNERS} owners")
    seen: dict[tuple[str, OwnershipType], OwnerSpec] = {}
    for owner_urn, kind in owners:
        try:
            urns.parse_actor_urn(owner_urn)
        except urns.InvalidUrnError as exc:
            raise BadUserInputError(f"{urn}: bad owner: {exc}", field="owners") from exc
        try:
            ownership = OwnershipType(kind or OwnershipType.TECHNICAL_OWNER)
        except ValueError as exc:
            known = ", ".join(OwnershipType)
            raise BadUserInputError(
                f"{urn}: ownership type {kind!r} is not one of {known}"
            ) from exc
        seen.setdefault((owner_urn, ownership), OwnerSpec(owner_urn, ownership))
    return tuple(seen.values())


def _tags(urn: str, tags: list[str]) -> tuple[str, ...]:
    if len(tags) > MAX_TAGS:
        raise BadUserInputError(f"{urn}: at most {MAX_TAGS} tags")
    return tuple(dict.fromkeys(tag_name(t) for t in tags))


def _upstreams(urn: str, upstream_urns: list[str]) -> tuple[urns.AssetUrn, ...]:
    if len(upstream_urns) > MAX_UPSTREAMS:
        raise BadUserInputError(f"{urn}: at most {MAX_UPSTREAMS} upstreams")
    parsed: dict[str, urns.AssetUrn] = {}
    for up in upstream_urns:
        if up == urn:
            raise BadUserInputError(f"{urn} cannot be its own upstream")
        try:
            parsed.setdefault(up, urns.parse_asset_urn(up))
        except urns.InvalidUrnError as exc:
            raise BadUserInputError(f"{urn}: bad upstream: {exc}", field="upstreamUrns") from exc
    return tuple(parsed.values())


def build_asset(
    *,
    urn: str,
    name: str | None = None,
    description: str | None = None,
    owners: list[tuple[str, str | None]] | None = None,
    tags: list[str] | None = None,
    upstream_urns: list[str] | None = None,
) -> AssetSpec:
    """Validate one asset upsert, or raise BadUserInputError naming the bad field."""
    try:
        asset = urns.parse_asset_urn(urn)
    except urns.InvalidUrnError as exc:
        raise BadUserInputError(f"bad asset URN: {exc}", field="urn") from exc
    return AssetSpec(
        asset=asset,
        name=_text("name", name, MAX_NAME),
        description=_text("description", description, MAX_DESCRIPTION),
        owners=None if owners is None else _owners(urn, owners),
        tags=None if tags is None else _tags(urn, tags),
        upstreams=None if upstream_urns is None else _upstreams(urn, upstream_urns),
    )


def check_batch(specs: list[AssetSpec]) -> list[AssetSpec]:
    if len(specs) > MAX_UPSERT:
        raise BadUserInputError(
            f"upsertAssets takes at most {MAX_UPSERT} assets per call, got {len(specs)}"
        )
    counts = Counter(s.asset.urn for s in specs)
    dupes = [urn for urn, n in counts.items() if n > 1]
    if dupes:
        raise BadUserInputError(f"asset {min(dupes)!r} appears more than once in one call")
    return specs


def _json_owners(raw: Any) -> list[tuple[str, str | None]] | None:
    if raw is None:
        return None
    if not isinstance(raw, list):
        raise BadUserInputError('"owners" must be a list')
    owners: list[tuple[str, str | None]] = []
    for item in raw:
        if isinstance(item, str):
            owners.append((item, None))
        elif isinstance(item, dict) and isinstance(item.get("owner"), str):
            owners.append((item["owner"], item.get("type")))
        else:
            raise BadUserInputError('each owner is a URN or {"owner": URN, "type": TYPE}')
    return owners


def parse_json_line(line: str) -> AssetSpec:
    """One line of an `assets load` JSON Lines file, in the same shape as AssetInput."""
    try:
        data: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadUserInputError(f"not valid JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("urn"), str):
        raise BadUserInputError('each line must be a JSON object with a string "urn"')
    owners = _json_owners(data.get("owners"))
    for key in ("tags", "upstreamUrns"):
        value = data.get(key)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, str) for v in value)
        ):
            raise BadUserInputError(f'"{key}" must be a list of strings')
    for key in ("name", "description"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise BadUserInputError(f'"{key}" must be a string')
    return build_asset(
        urn=data["urn"],
        name=data.get("name"),
        description=data.get("description"),
        owners=owners,
        tags=data.get("tags"),
        upstream_urns=data.get("upstreamUrns"),
    )
