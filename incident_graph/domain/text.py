"""Rules every piece of accepted text follows: no NUL character, and a length within the limit
of the column (or rule) it is stored under. Pure; no I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

from incident_graph.domain.errors import BadUserInputError

# PostgreSQL cannot store U+0000 in text; SQLite can. Refusing it everywhere keeps the two
# databases answering alike.
NUL: Final = "\x00"


def check_text(field: str, value: str, limit: int) -> str:
    """`value` unchanged, or BAD_USER_INPUT naming `field` and what is wrong with it."""
    if NUL in value:
        raise BadUserInputError(
            f"{field} contains a NUL character (\\u0000), which cannot be stored; remove it",
            field=field,
        )
    if len(value) > limit:
        raise BadUserInputError(
            f"{field} is {len(value)} characters long; the limit is {limit}",
            field=field,
            limit=limit,
        )
    return value


def check_optional_text(field: str, value: str | None, limit: int) -> str | None:
    """check_text for a value that may be absent."""
    return None if value is None else check_text(field, value, limit)


def nul_path(value: object, path: str = "") -> str | None:
    """Where the first NUL character is in a decoded JSON value (`input.title`, `tags[2]`),
    "" for the value itself, or None when there is none."""
    if isinstance(value, str):
        return path if NUL in value else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            here = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return here
            found = nul_path(item, here)
            if found is not None:
                return found
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        for index, item in enumerate(value):
            found = nul_path(item, f"{path}[{index}]")
            if found is not None:
                return found
    return None


def refuse_nul(field: str, value: object) -> None:
    """BAD_USER_INPUT when any text in `value` (a decoded JSON value) holds a NUL character."""
    found = nul_path(value, field)
    if found is not None:
        raise BadUserInputError(
            f"{found} contains a NUL character (\\u0000), which cannot be stored; remove it",
            field=found,
        )


__all__ = ["NUL", "check_optional_text", "check_text", "nul_path", "refuse_nul"]
