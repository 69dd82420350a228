"""DataHub's custom scalars, as NewTypes mapped to scalar definitions in the schema config."""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

Long = NewType("Long", int)


def _parse_long(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Long must be a whole number (epoch milliseconds), got {value!r}")
    return value


SCALARS: dict[object, ScalarDefinition] = {
    Long: strawberry.scalar(
        name="Long",
        description="A 64-bit whole number; DataHub uses it for epoch-millisecond times.",
        serialize=int,
        parse_value=_parse_long,
    )
}
