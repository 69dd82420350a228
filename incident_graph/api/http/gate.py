"""The request gate in front of /api/graphql: request id, body checks, authentication.

Refusals made here (bad JSON, oversized body, batches, missing or bad token) still answer in
GraphQL's error shape with a stable code, so clients handle every failure one way.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs

import orjson
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from incident_graph.api.errors import BAD_USER_INPUT
from incident_graph.api.http.admitted import Admitted, admit
from incident_graph.api.http.bearer import bearer_secret
from incident_graph.api.http.errors import graphql_error_body
from incident_graph.api.http.introspection import is_introspection_only
from incident_graph.api.http.media import response_media_type
from incident_graph.api.http.refusal_audit import gate_attempt
from incident_graph.api.http.unavailable import STATUS as UNAVAILABLE_STATUS
from incident_graph.api.http.unavailable import retry_after
from incident_graph.auth.credentials import InvalidTokenError, Refused, TokenRefusal, authenticate
from incident_graph.auth.principal import ANONYMOUS
from incident_graph.auth.refusal_log import RefusalLog
from incident_graph.config import Settings
from incident_graph.domain.errors import UnauthenticatedError, UnavailableError
from incident_graph.store import Database


class Refusal(Exception):  # noqa: N818 - a refusal is an answer, not an error of ours
    def __init__(
        self,
        status: int,
        message: str,
        code: str = BAD_USER_INPUT,
        *,
        refused: Refused | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        # Set for a refusal of the credentials (401): what the audit log records.
        self.refused = refused

    def response(self, request_id: str, media_type: str) -> JSONResponse:
        return JSONResponse(
            graphql_error_body(
                self.message,
                self.code,
                # An outage is worth reporting: the id finds the server's log lines.
                **({"requestId": request_id} if self.status == UNAVAILABLE_STATUS else {}),
            ),
            status_code=self.status,
            media_type=media_type,
            headers={"X-Request-Id": request_id}
            | ({"WWW-Authenticate": "Bearer"} if self.status == 401 else {})
            | (retry_after() if self.status == UNAVAILABLE_STATUS else {}),
        )


def _missing_credentials(settings: Settings) -> Refusal:
    also = " (only schema introspection works without one)" if settings.public_introspection else ""
    return Refusal(
        401,
        f"missing credentials: send the header 'Authorization: Bearer <token>'{also}",
        UnauthenticatedError.code,
        refused=Refused(TokenRefusal.MISSING, None),
    )


class RequestGate:
    def __init__(
        self, app: ASGIApp, *, db: Database, settings: Settings, refusals: RefusalLog
    ) -> None:
        self._app = app
        self._db = db
        self._settings = settings
        self._refusals = refusals
        self._max_body = settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        request_id = uuid.uuid4().hex
        # The token check and the resolvers' reads share one pooled connection.
        async with self._db.request_reads():
            await self._handle(scope, receive, send, request_id)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        try:
            body, admitted = await self._admit(scope, receive, request_id)
        except Refusal as refusal:
            if refusal.refused is not None:
                await self._refusals.record(gate_attempt(scope, refusal.refused))
            media_type = response_media_type(Headers(scope=scope).get("accept"))
            await refusal.response(request_id, media_type)(scope, receive, send)
            return

        async def with_request_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        admit(scope, admitted)
        # The view runs the decoded payload; the raw body is still there for anything that
        # reads it, so nothing downstream waits on a receive() the gate already drained.
        replayed = _replay(body, receive) if scope["method"] == "POST" else receive
        await self._app(scope, replayed, with_request_id)

    async def _admit(
        self, scope: Scope, receive: Receive, request_id: str
    ) -> tuple[bytes, Admitted]:
        """Authenticate and check the body; the body read and what the view is handed, or a
        Refusal."""
        headers = Headers(scope=scope)
        secret = bearer_secret(headers.get("authorization", ""))
        if secret is None and not self._settings.public_introspection:
            raise _missing_credentials(self._settings)
        principal = ANONYMOUS
        if secret is not None:
            try:
                principal = await authenticate(db=self._db, secret=secret)
            except InvalidTokenError as exc:
                raise Refusal(401, exc.message, exc.code, refused=exc.refused) from exc
            except UnavailableError as exc:
                # The database is down: whether the token is good cannot be known yet.
                raise Refusal(UNAVAILABLE_STATUS, exc.message, exc.code) from exc

        body = b""
        payload: dict[str, Any] | None = None
        is_json = "json" in headers.get("content-type", "application/json")
        if scope["method"] == "POST":
            body = await self._read_body(receive, headers)
            if is_json:
                payload = _decode(body)
        if secret is None:
            query = _query_text(scope, payload)
            if query is None or not is_introspection_only(
                query, max_tokens=self._settings.max_tokens
            ):
                raise _missing_credentials(self._settings)
        return body, Admitted(request_id=request_id, principal=principal, payload=payload)

    async def _read_body(self, receive: Receive, headers: Headers) -> bytes:
        too_large = Refusal(
            413,
            f"request body is over {self._max_body} bytes: send a shorter query or fewer "
            "variables (the limit is set by INCIDENT_GRAPH_MAX_BODY_BYTES)",
        )
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_body:
            raise too_large
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
                raise too_large
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)


def _decode(body: bytes) -> dict[str, Any]:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise Refusal(
            400,
            f"request body is not valid JSON ({exc}); send "
            '{"query": "...", "variables": {...}}',
        ) from exc
    if isinstance(payload, list):
        # strawberry's batching stays off: one operation per request keeps every limit per request.
        raise Refusal(
            400,
            "batched requests (a JSON array) are not supported; send one "
            '{"query": "...", "variables": {...}} object per request',
        )
    if not isinstance(payload, dict):
        raise Refusal(
            400, 'request body must be a JSON object: {"query": "...", "variables": {...}}'
        )
    return payload


def _query_text(scope: Scope, payload: dict[str, Any] | None) -> str | None:
    """The GraphQL document strawberry will run, for the anonymous-introspection check."""
    if scope["method"] == "GET":
        values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("query", [])
        return values[0] if len(values) == 1 else None
    if payload is not None and isinstance(payload.get("query"), str):
        return str(payload["query"])
    return None


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
