"""DataHub's custom scalars, as NewTypes mapped to scalar definitions in the schema config."""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from incident_graph.domain import limits

Long = NewType("Long", int)


def _parse_long(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"Long must be a whole number (epoch milliseconds), got {value!r}")
    # What a BIGINT column holds; beyond it the drivers fail (SQLite with OverflowError).
    if not limits.LONG_MIN <= value <= limits.LONG_MAX:
        raise TypeError(
            f"Long is a signed 64-bit number, from {limits.LONG_MIN} to {limits.LONG_MAX}; "
            f"got {value}"
        )
    return value


SCALARS: dict[object, ScalarDefinition] = {
    Long: strawberry.scalar(
        name="Long",
        description="A 64-bit whole number; DataHub uses it for epoch-millisecond times.",
        serialize=int,
        parse_value=_parse_long,
    )
}
