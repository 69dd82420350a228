"""DataHub's custom scalars."""

from __future__ import annotations

from typing import NewType

import strawberry


def _parse_long(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Long must be a whole number (epoch milliseconds), got {value!r}")
    return value


Long = strawberry.scalar(
    NewType("Long", int),
    name="Long",
    description="A 64-bit whole number; DataHub uses it for epoch-millisecond times.",
    serialize=int,
    parse_value=_parse_long,
)
