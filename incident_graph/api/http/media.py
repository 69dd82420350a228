"""Which media type a GraphQL response is sent as, from the request's Accept header.

The GraphQL-over-HTTP spec's `application/graphql-response+json` lets a client tell request
errors (status 400, no `data`) from execution errors (status 200) by the status code alone;
`application/json` answers 200 for anything GraphQL ran. Clients that send no Accept, `*/*`,
or ask for `application/json` (DataHub's SDK and CLI among them) get `application/json`.
"""

from __future__ import annotations

from typing import Final

GRAPHQL_RESPONSE: Final = "application/graphql-response+json"
JSON: Final = "application/json"
_WILDCARDS: Final = frozenset({"*/*", "application/*"})


def _ranges(accept: str) -> list[tuple[float, int, str]]:
    """The Accept header's media ranges as (quality, position, range), best first."""
    found: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept.split(",")):
        kind, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind and quality > 0:
            found.append((quality, position, kind.lower()))
    return sorted(found, key=lambda r: (-r[0], r[1]))


def response_media_type(accept: str | None) -> str:
    """The media type to answer with: the client's preferred one of the two we speak."""
    for _quality, _position, kind in _ranges(accept or ""):
        if kind == GRAPHQL_RESPONSE:
            return GRAPHQL_RESPONSE
        if kind == JSON or kind in _WILDCARDS:
            return JSON
    # Nothing we speak was asked for (or no Accept at all): JSON, which every client reads.
    return JSON


__all__ = ["GRAPHQL_RESPONSE", "JSON", "response_media_type"]
