"""DataHub-style URNs: parse, format and validate. No I/O.

Validation is syntactic and as lenient as DataHub's own docs: placeholder keys such as
`urn:li:dataset:(abc)` are accepted, tuple keys are parsed where they have DataHub's shape.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Final

MAX_URN_LENGTH: Final = 1000
# A platform named in an asset URN, an actor's name, a caller-chosen incident id.
MAX_PLATFORM_LENGTH: Final = 200
MAX_ACTOR_NAME: Final = 200
MAX_INCIDENT_ID: Final = 200
PREFIX: Final = "urn:li:"

# URN entity type -> DataHub EntityType name.
ASSET_ENTITY_TYPES: Final[dict[str, str]] = {
    "dataset": "DATASET",
    "dashboard": "DASHBOARD",
    "chart": "CHART",
    "dataFlow": "DATA_FLOW",
    "dataJob": "DATA_JOB",
}
ACTOR_ENTITY_TYPES: Final[dict[str, str]] = {
    "corpuser": "CORP_USER",
    "corpGroup": "CORP_GROUP",
}
_INCIDENT_ID = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._:-]{{0,{MAX_INCIDENT_ID - 1}}}$")
_ACTOR_NAME = re.compile(rf"^[^\s(),]{{1,{MAX_ACTOR_NAME}}}$")
# Any Unicode whitespace, C0 control characters and DEL.
_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f]")
_PARENS = re.compile(r"[()]")


class InvalidUrnError(ValueError):
    """The text is not a URN this service accepts; the message says why and how to fix it."""


@dataclass(frozen=True, slots=True)
class AssetUrn:
    urn: str
    entity: str  # "dataset", "dashboard", ...
    platform: str | None
    name: str

    @property
    def entity_type(self) -> str:
        return ASSET_ENTITY_TYPES[self.entity]


def _check_text(urn: str) -> None:
    if not urn:
        raise InvalidUrnError("URN is empty")
    if len(urn) > MAX_URN_LENGTH:
        raise InvalidUrnError(f"URN is {len(urn)} characters long; the limit is {MAX_URN_LENGTH}")
    if _FORBIDDEN.search(urn):
        raise InvalidUrnError(f"URN {urn!r} contains whitespace or control characters")
    if not urn.startswith(PREFIX):
        raise InvalidUrnError(f"URN {urn!r} must start with {PREFIX!r}")
    if "(" in urn or ")" in urn:
        depth = 0
        for ch in _PARENS.findall(urn):
            depth += 1 if ch == "(" else -1
            if depth < 0:
                break
        if depth != 0:
            raise InvalidUrnError(f"URN {urn!r} has unbalanced parentheses")


def split_tuple(key: str) -> list[str] | None:
    """Split a `(a,b,c)` key on its top-level commas; None when the key is not a tuple."""
    if not (key.startswith("(") and key.endswith(")")):
        return None
    inner = key[1:-1]
    if "(" not in inner and ")" not in inner:
        return inner.split(",")  # no nested key: every comma is top-level
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in key[1:-1]:
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += (ch == "(") - (ch == ")")
        current.append(ch)
    parts.append("".join(current))
    return parts


def _entity_and_key(urn: str) -> tuple[str, str]:
    rest = urn[len(PREFIX) :]
    entity, sep, key = rest.partition(":")
    if not sep or not entity:
        raise InvalidUrnError(f"URN {urn!r} must look like urn:li:<entity type>:<key>")
    if not key:
        raise InvalidUrnError(f"URN {urn!r} has an empty key after urn:li:{entity}:")
    return entity, key


def _platform_of(part: str) -> str | None:
    platform_prefix = "urn:li:dataPlatform:"
    if part.startswith(platform_prefix) and len(part) > len(platform_prefix):
        return part[len(platform_prefix) :]
    return part or None


def parse_asset_urn(urn: str) -> AssetUrn:
    """Parse a dataset/dashboard/chart/dataFlow/dataJob URN, raising InvalidUrnError."""
    _check_text(urn)
    entity, key = _entity_and_key(urn)
    if entity not in ASSET_ENTITY_TYPES:
        known = ", ".join(ASSET_ENTITY_TYPES)
        raise InvalidUrnError(
            f"URN {urn!r} names entity type {entity!r}; incidents can be raised on: {known}"
        )
    parts = split_tuple(key)
    platform: str | None = None
    name = key
    if parts is not None:
        if any(not p for p in parts):
            raise InvalidUrnError(f"URN {urn!r} has an empty part in its key {key!r}")
        if entity == "dataset" and len(parts) == 3:
            platform, name = _platform_of(parts[0]), parts[1]
        elif (entity in {"dashboard", "chart"} and len(parts) == 2) or (
            entity == "dataFlow" and len(parts) == 3
        ):
            platform, name = parts[0], parts[1]
        elif entity == "dataJob" and len(parts) == 2:
            flow = (
                split_tuple(_entity_and_key(parts[0])[1]) if parts[0].startswith(PREFIX) else None
            )
            platform = flow[0] if flow else None
            name = parts[1]
        else:
            name = ",".join(parts)
    if platform is not None and len(platform) > MAX_PLATFORM_LENGTH:
        raise InvalidUrnError(
            f"URN names a platform of {len(platform)} characters; the limit is "
            f"{MAX_PLATFORM_LENGTH}"
        )
    return AssetUrn(urn=urn, entity=entity, platform=platform, name=name)


def data_flow_of(job_urn: str) -> str | None:
    """The dataFlow URN a dataJob URN names as its first key part, if it has DataHub's shape."""
    parts = split_tuple(_entity_and_key(job_urn)[1])
    if parts and len(parts) == 2 and entity_of(parts[0]) == "dataFlow":
        return parts[0]
    return None


def parse_actor_urn(urn: str) -> str:
    """Validate a corpuser or corpGroup URN and return its entity type name."""
    _check_text(urn)
    entity, key = _entity_and_key(urn)
    if entity not in ACTOR_ENTITY_TYPES:
        raise InvalidUrnError(
            f"URN {urn!r} is not a user or group; use urn:li:corpuser:<name> or "
            "urn:li:corpGroup:<name>"
        )
    if len(key) > MAX_ACTOR_NAME:
        raise InvalidUrnError(
            f"URN names a user or group of {len(key)} characters; the limit is {MAX_ACTOR_NAME}"
        )
    if not _ACTOR_NAME.match(key):
        raise InvalidUrnError(f"URN {urn!r} has an invalid name {key!r}")
    return ACTOR_ENTITY_TYPES[entity]


def user_urn(name: str) -> str:
    return f"{PREFIX}corpuser:{name}"


def incident_urn(incident_id: str | None = None) -> str:
    """`urn:li:incident:<id>`, with a fresh uuid4 when no caller-chosen id is given."""
    if incident_id is None:
        return f"{PREFIX}incident:{uuid.uuid4()}"
    if not _INCIDENT_ID.match(incident_id):
        raise InvalidUrnError(
            f"incident id {incident_id!r} must be 1-{MAX_INCIDENT_ID} characters of letters, "
            "digits, '.', '_', ':' or '-', starting with a letter or digit"
        )
    return f"{PREFIX}incident:{incident_id}"


def check_urn(urn: str) -> str:
    """Validate any urn:li: URN's text and shape; returns its entity type."""
    _check_text(urn)
    return _entity_and_key(urn)[0]


def entity_of(urn: str) -> str | None:
    """The entity segment of any urn:li: URN (e.g. "dataset", "incident"), or None."""
    if not urn.startswith(PREFIX):
        return None
    entity, sep, _ = urn[len(PREFIX) :].partition(":")
    return entity if sep and entity else None
