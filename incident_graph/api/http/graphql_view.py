"""The GraphQL-over-HTTP view: strawberry's ASGI app with our context, errors and JSON."""

from __future__ import annotations

from typing import Any, TypeVar

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import ExecutionResult
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type

from incident_graph.api.assets.types import asset_from_row
from incident_graph.api.context import Context
from incident_graph.api.http.admitted import AdmittedRequest, admitted_of
from incident_graph.api.http.errors import format_error
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
        self._db = db
        self._writer = writer
        self._keyring = keyring

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
        if result.extensions:
            data["extensions"] = result.extensions
        return data

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
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
    extensions = payload.get("extensions")
    if not isinstance(extensions, dict | None):
        raise HTTPException(
            400, "The GraphQL operation's `extensions` must be an object or null, if provided."
        )
    return GraphQLRequestData(
        query=query,
        variables=variables,
        operation_name=payload.get("operationName"),
        extensions=extensions,
        # This view streams nothing over HTTP (no subscription protocols): plain "http".
        protocol="http",
    )
