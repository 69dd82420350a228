"""DataHub's key/value pairs (StringMapEntry), in answers and inputs."""

from __future__ import annotations

import strawberry


@strawberry.type(description="A key and its value (DataHub's StringMapEntry).")
class StringMapEntry:
    key: str
    value: str | None = None


@strawberry.input(description="A key and its value (DataHub's StringMapEntryInput).")
class StringMapEntryInput:
    key: str
    value: str | None = None


def pairs(entries: list[StringMapEntryInput] | None) -> list[tuple[str, str | None]]:
    return [(e.key, e.value) for e in entries or []]


__all__ = ["StringMapEntry", "StringMapEntryInput", "pairs"]
