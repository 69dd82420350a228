"""The websocket side of /api/graphql: graphql-transport-ws, authenticated at connection init.

The client sends its token in the connection_init payload (`{"Authorization": "Bearer <token>"}`);
without a valid one the socket is closed with 4403 before any subscription can start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from incident_graph.api.assets.types import asset_from_row
from incident_graph.api.context import Context
from incident_graph.api.http.graphql_view import GraphQLView
from incident_graph.api.http.refusal_audit import audit_ws_refusal
from incident_graph.api.loaders import Loaders
from incident_graph.api.schema import IncidentSchema
from incident_graph.auth.principal import Principal
from incident_graph.config import Settings
from incident_graph.domain.enums import Role
from incident_graph.domain.errors import UnauthenticatedError
from incident_graph.services.users import authenticate
from incident_graph.store import Database, Writer

# Until connection_init authenticates the socket; no operation runs as it (strawberry refuses
# subscribe messages before the connection is acknowledged).
NOBODY = Principal(user_id=0, name="anonymous", role=Role.VIEWER, token_id=0)


@dataclass(slots=True)
class LiveContext(Context):
    connection_params: dict[str, Any] | None = None


class LiveView(GraphQLView):
    """The websocket side of /api/graphql: graphql-transport-ws only."""

    def __init__(
        self, schema: IncidentSchema, *, settings: Settings, db: Database, writer: Writer
    ) -> None:
        super().__init__(schema, settings=settings, db=db, writer=writer)
        self.protocols = (GRAPHQL_TRANSPORT_WS_PROTOCOL,)
        self._live_db = db
        self._live_settings = settings
        self._live_writer = writer

    async def get_context(
        self,
        request: Request | WebSocket,
        response: Response | WebSocket,  # noqa: ARG002 - strawberry's signature
    ) -> Context:
        return LiveContext(
            request=request,
            response=None,
            principal=NOBODY,
            request_id="ws",
            settings=self._live_settings,
            db=self._live_db,
            writer=self._live_writer,
            loaders=Loaders(self._live_db, lineage_depth=self._live_settings.lineage_max_depth),
            asset_entity=asset_from_row,
        )

    async def on_ws_connect(self, context: Context) -> None:
        params = getattr(context, "connection_params", None) or {}
        raw = str(params.get("Authorization") or params.get("authorization") or "")
        scheme, _, secret = raw.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            await audit_ws_refusal(context.request.scope, None)
            raise ConnectionRejectionError
        try:
            context.principal = await authenticate(db=self._live_db, secret=secret.strip())
        except UnauthenticatedError as exc:
            await audit_ws_refusal(context.request.scope, secret.strip())
            raise ConnectionRejectionError from exc
