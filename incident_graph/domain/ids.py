"""Numeric ids as the API hands them out (as strings): read back only if they are ids.

`int()` reads more than ids: "¹" passes `str.isdigit`, " 7" and "1_0" pass `int`, and a
30-digit number does not fit the BIGINT column (SQLite's driver then fails with OverflowError).
Every id argument goes through this one rule instead.
"""

from __future__ import annotations

from typing import Final

from incident_graph.domain.errors import BadUserInputError

# Any number of at most 18 decimal digits fits a signed 64-bit id column.
MAX_ID_DIGITS: Final = 18


def parse_id(raw: str, *, field: str, refusal: str) -> int:
    """The id `raw` names, or BAD_USER_INPUT with `refusal` (what `raw` is not) as message."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_ID_DIGITS):
        raise BadUserInputError(refusal, field=field)
    return int(raw)


__all__ = ["MAX_ID_DIGITS", "parse_id"]
