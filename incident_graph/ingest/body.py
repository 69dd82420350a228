"""Request bodies read as a stream: top-level values one at a time, and the elements of one
array (a batch's proposals) one at a time, so a 15 MB batch is never held as raw text and
as a parsed tree at once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Final

import ijson
from starlette.requests import Request

from incident_graph.ingest.errors import IngestError, bad_request

_OPENERS: Final = frozenset({"start_map", "start_array"})
_CLOSERS: Final = frozenset({"end_map", "end_array"})


class _BoundedBody:
    """The request's bytes as an async file for ijson, refused past `limit` bytes."""

    def __init__(self, request: Request, limit: int) -> None:
        self._chunks = request.stream()
        self._limit = limit
        self._size = 0

    async def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson's probe for bytes or text
            return b""
        async for chunk in self._chunks:
            if not chunk:
                continue
            self._size += len(chunk)
            if self._size > self._limit:
                raise too_large(self._limit)
            return chunk
        return b""


def too_large(limit: int) -> IngestError:
    return IngestError(
        413,
        f"request body is over {limit} bytes: send fewer proposals per request (the limit is "
        "set by INCIDENT_GRAPH_INGEST_MAX_BODY_BYTES)",
    )


async def members(
    request: Request, *, limit: int, stream: str
) -> AsyncIterator[tuple[str, Any, bool]]:
    """(key, value, False) for each member of the body's top-level object; an array under
    `stream` comes element by element as (stream, element, True)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    events = ijson.parse_async(_BoundedBody(request, limit), use_float=True)
    try:
        async for item in _members(events, stream):
            yield item
    except ijson.JSONError as exc:
        raise bad_request(f"request body is not valid JSON: {exc}") from exc


async def _members(  # noqa: C901 - one small state machine over ijson's events
    events: AsyncIterator[tuple[str, str, Any]], stream: str
) -> AsyncIterator[tuple[str, Any, bool]]:
    depth = 0  # 1 inside the top-level object, 2 inside the streamed array
    key = ""
    streaming = False
    builder: ijson.ObjectBuilder | None = None
    nested = 0
    async for _prefix, event, value in events:
        if builder is not None:
            builder.event(event, value)
            nested += (event in _OPENERS) - (event in _CLOSERS)
            if nested == 0:
                yield key, builder.value, streaming
                builder = None
            continue
        if depth == 0:
            if event != "start_map":
                raise bad_request("request body must be a JSON object")
            depth = 1
        elif streaming and event == "end_array":
            streaming, depth = False, 1
        elif depth == 1 and event == "map_key":
            key = value
        elif depth == 1 and event == "end_map":
            depth = 0
        elif depth == 1 and key == stream and event == "start_array":
            streaming, depth = True, 2
        elif event in _OPENERS:
            builder, nested = ijson.ObjectBuilder(), 1
            builder.event(event, value)
        else:
            yield key, value, streaming
