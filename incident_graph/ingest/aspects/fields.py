"""Reading fields out of an aspect's JSON with DataHub's types, or AspectError naming the field."""

from __future__ import annotations

from typing import Any

from incident_graph import urns
from incident_graph.domain.errors import BadUserInputError
from incident_graph.ingest.errors import AspectError


def obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise AspectError(f"{what} must be a JSON object")
    return value


def opt_str(data: dict[str, Any], key: str, what: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise AspectError(f"{what}.{key} must be a string")
    return value


def req_str(data: dict[str, Any], key: str, what: str) -> str:
    value = opt_str(data, key, what)
    if value is None:
        raise AspectError(f"{what}.{key} is required")
    return value


def opt_int(data: dict[str, Any], key: str, what: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise AspectError(f"{what}.{key} must be a whole number")
    return int(value)


def items(data: dict[str, Any], key: str, what: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise AspectError(f"{what}.{key} must be a list")
    return value


def asset(urn: Any, what: str) -> urns.AssetUrn:
    if not isinstance(urn, str):
        raise AspectError(f"{what} must be a URN string")
    try:
        return urns.parse_asset_urn(urn)
    except urns.InvalidUrnError as exc:
        raise AspectError(f"{what}: {exc}") from exc


def checked(what: str, error: BadUserInputError) -> AspectError:
    """A domain rule's refusal, said about the aspect field it came from."""
    return AspectError(f"{what}: {error.message}")
