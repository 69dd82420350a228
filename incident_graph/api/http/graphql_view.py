"""The GraphQL-over-HTTP view: strawberry's ASGI app with our context, errors and JSON."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import ExecutionResult
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type

from incident_graph.api.assets.types import asset_from_row
from incident_graph.api.context import Context
from incident_graph.api.errors import BAD_USER_INPUT
from incident_graph.api.extensions.compiled_reads import answer_known, plan_limits
from incident_graph.api.http.admitted import AdmittedRequest, admitted_of
from incident_graph.api.http.errors import format_error, graphql_error_body
from incident_graph.api.http.media import GRAPHQL_RESPONSE, JSON, response_media_type
from incident_graph.api.http.unavailable import STATUS as UNAVAILABLE_STATUS
from incident_graph.api.http.unavailable import answered_unavailable, retry_after
from incident_graph.api.loaders import Loaders
from incident_graph.api.schema import IncidentSchema
from incident_graph.auth.principal import Principal
from incident_graph.config import Settings
from incident_graph.notify.secrets import Keyring
from incident_graph.store import Database, Writer

C = TypeVar("C", bound=Context)


class GraphQLView(GraphQL[Context, None]):
    """Runs behind the request gate, which has already authenticated the caller and decoded
    the body."""

    request_adapter_class = AdmittedRequest

    def __init__(
        self,
        schema: IncidentSchema,
        *,
        settings: Settings,
        db: Database,
        writer: Writer,
        keyring: Keyring,
    ) -> None:
        super().__init__(schema, graphql_ide=None, subscription_protocols=())
        self._settings = settings
        self._limits = plan_limits(settings)
        self._db = db
        self._writer = writer
        self._keyring = keyring

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope=scope, receive=receive)
        known = await self._compiled_answer(request)
        if known is not None:
            await known(scope, receive, send)
            return
        try:
            response = await self.run(request)
        except HTTPException as exc:
            # strawberry answers these (no query, a non-string query, a mutation over GET,
            # an unsupported content type) in plain text: answer in GraphQL's shape instead.
            response = JSONResponse(
                graphql_error_body(exc.reason, BAD_USER_INPUT),
                status_code=exc.status_code,
                media_type=_media_type(request),
            )
        await response(scope, receive, send)

    async def _compiled_answer(self, request: Request) -> Response | None:
        """A hot read answered without strawberry, when its text was compiled and validated
        before (see api/extensions/compiled_reads.py); None otherwise."""
        if not self._settings.compiled_reads or request.method != "POST":
            return None
        payload = admitted_of(request).payload
        content_type, _ = parse_content_type(request.headers.get("content-type", ""))
        if payload is None or "application/json" not in content_type:
            return None
        body = await answer_known(self._db, self.schema, self._limits, payload)
        if body is None:
            return None
        return Response(body, media_type=_media_type(request))

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        sub_response = await super().get_sub_response(request)
        if isinstance(request, Request):
            sub_response.media_type = _media_type(request)
            # process_result sets the status of request errors here (it is not handed the
            # sub-response itself).
            request.state.sub_response = sub_response
        return sub_response

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        admitted = admitted_of(request)
        return self.context(
            Context,
            request=request,
            response=response if isinstance(response, Response) else None,
            principal=admitted.principal,
            request_id=admitted.request_id,
        )

    def context(
        self,
        context_class: type[C],
        *,
        request: Request | WebSocket,
        response: Response | None,
        principal: Principal,
        request_id: str,
    ) -> C:
        """A request's context: who asks, and what every request shares."""
        return context_class(
            request=request,
            response=response,
            principal=principal,
            request_id=request_id,
            settings=self._settings,
            db=self._db,
            writer=self._writer,
            keyring=self._keyring,
            loaders=Loaders(self._db, lineage_depth=self._settings.lineage_max_depth),
            asset_entity=asset_from_row,
        )

    async def process_result(  # type: ignore[override]
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            request_id = admitted_of(request).request_id
            data["errors"] = [format_error(e, request_id) for e in result.errors]
            sub_response: Response = request.state.sub_response
            if _is_request_error(result) and sub_response.media_type == GRAPHQL_RESPONSE:
                # GraphQL never ran (syntax, validation, variables): with this media type that
                # is status 400 and no `data` entry, so a client can tell by the status alone.
                del data["data"]
                sub_response.status_code = 400
        if result.extensions:
            data["extensions"] = result.extensions
        return data

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        # strawberry's own, with the media type the client negotiated (see media.py).
        response = Response(
            self.encode_json(response_data),
            status_code=sub_response.status_code or 200,
            media_type=sub_response.media_type or JSON,
        )
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        if answered_unavailable(response_data):
            # The database (or the writer) is down: a retryable server condition, said so in
            # the status too, so proxies, load balancers and clients back off and retry.
            response.status_code = UNAVAILABLE_STATUS
            response.headers.update(retry_after())
        return response

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> Any:
        return orjson.loads(data)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The gate's payload where strawberry would decode the body as JSON; else strawberry's
        own parsing (GET parameters, and its refusal of other content types)."""
        payload = request.payload if isinstance(request, AdmittedRequest) else None
        content_type, _ = parse_content_type(request.content_type or "")
        if payload is None or "application/json" not in content_type:
            return await super().parse_http_body(request)
        return _request_data(payload)


def _media_type(request: Request) -> str:
    return response_media_type(request.headers.get("accept"))


def _is_request_error(result: ExecutionResult) -> bool:
    """Errors raised before execution began: no data, and no error at a field's path."""
    return result.data is None and all(error.path is None for error in result.errors or ())


def _request_data(payload: dict[str, Any]) -> GraphQLRequestData:
    """strawberry's checks of a decoded request object, with its answers."""
    query = payload.get("query")
    if not isinstance(query, str | None):
        raise HTTPException(
            400, "The GraphQL operation's `query` must be a string or null, if provided."
        )
    variables = payload.get("variables")
    if not isinstance(variables, dict | None):
        raise HTTPException(
            400, "The GraphQL operation's `variables` must be an object or null, if provided."
        )
    operation_name = payload.get("operationName")
    if not isinstance(operation_name, str | None):
        raise HTTPException(
            400, "The GraphQL operation's `operationName` must be a string or null, if provided."
        )
    extensions = payload.get("extensions")
    if not isinstance(extensions, dict | None):
        raise HTTPException(
            400, "The GraphQL operation's `extensions` must be an object or null, if provided."
        )
    return GraphQLRequestData(
        query=query,
        variables=variables,
        operation_name=operation_name,
        extensions=extensions,
        # This view streams nothing over HTTP (no subscription protocols): plain "http".
        protocol="http",
    )
