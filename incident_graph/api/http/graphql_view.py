"""The GraphQL-over-HTTP view: strawberry's ASGI app with our context, errors and JSON."""

from __future__ import annotations

from typing import Any

import orjson
from graphql import ExecutionResult
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse

from incident_graph.api.assets.types import asset_from_row
from incident_graph.api.context import Context
from incident_graph.api.http.errors import format_error
from incident_graph.api.loaders import Loaders
from incident_graph.api.schema import IncidentSchema
from incident_graph.config import Settings
from incident_graph.store import Database, Writer


class GraphQLView(GraphQL[Context, None]):
    """Runs behind the request gate, which has already authenticated the caller."""

    def __init__(
        self, schema: IncidentSchema, *, settings: Settings, db: Database, writer: Writer
    ) -> None:
        super().__init__(schema, graphql_ide=None, subscription_protocols=())
        self._settings = settings
        self._db = db
        self._writer = writer

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(
            request=request,
            response=response if isinstance(response, Response) else None,
            principal=request.state.principal,
            request_id=request.state.request_id,
            settings=self._settings,
            db=self._db,
            writer=self._writer,
            loaders=Loaders(self._db, lineage_depth=self._settings.lineage_max_depth),
            asset_entity=asset_from_row,
        )

    async def process_result(  # type: ignore[override]
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data: GraphQLHTTPResponse = {"data": result.data}
        if result.errors:
            request_id = request.state.request_id
            data["errors"] = [format_error(e, request_id) for e in result.errors]
        if result.extensions:
            data["extensions"] = result.extensions
        return data

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> Any:
        return orjson.loads(data)
