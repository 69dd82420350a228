"""The request gate in front of /api/graphql: request id, body checks, authentication.

Refusals made here (bad JSON, oversized body, missing or bad token) still answer in
GraphQL's error shape with a stable code, so clients handle every failure one way.
"""

from __future__ import annotations

import uuid
from typing import Final

import orjson
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from incident_graph.api.errors import BAD_USER_INPUT, graphql_error_body
from incident_graph.domain.errors import UnauthenticatedError
from incident_graph.services.users import authenticate
from incident_graph.store import Database

MAX_BODY_BYTES: Final = 1_048_576


def _refusal(status: int, message: str, code: str, request_id: str) -> JSONResponse:
    return JSONResponse(
        graphql_error_body(message, code),
        status_code=status,
        headers={"X-Request-Id": request_id}
        | ({"WWW-Authenticate": "Bearer"} if status == 401 else {}),
    )


class RequestGate:
    def __init__(self, app: ASGIApp, *, db: Database, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self._app = app
        self._db = db
        self._max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        headers = Headers(scope=scope)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id

        scheme, _, secret = headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            await _refusal(
                401,
                "missing credentials: send the header 'Authorization: Bearer <token>'",
                UnauthenticatedError.code,
                request_id,
            )(scope, receive, send)
            return
        try:
            state["principal"] = await authenticate(db=self._db, secret=secret.strip())
        except UnauthenticatedError as exc:
            await _refusal(401, exc.message, exc.code, request_id)(scope, receive, send)
            return

        body = b""
        if scope["method"] == "POST":
            body, too_large = await self._read_body(receive)
            if too_large:
                await _refusal(
                    413,
                    f"request body is over {self._max_body} bytes",
                    BAD_USER_INPUT,
                    request_id,
                )(scope, receive, send)
                return
            if "json" in headers.get("content-type", "application/json"):
                try:
                    orjson.loads(body)
                except orjson.JSONDecodeError as exc:
                    await _refusal(
                        400,
                        f"request body is not valid JSON ({exc}); send "
                        '{"query": "...", "variables": {...}}',
                        BAD_USER_INPUT,
                        request_id,
                    )(scope, receive, send)
                    return

        async def with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        replayed = _replay(body, receive) if scope["method"] == "POST" else receive
        await self._app(scope, replayed, with_request_id)

    async def _read_body(self, receive: Receive) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self._max_body:
                return b"", True
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks), False


def _replay(body: bytes, receive: Receive) -> Receive:
    """Hand the already-read body to the app once, then pass through (to see disconnects)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
