"""The websocket side of /api/graphql: graphql-transport-ws, authenticated at connection init.

The client sends its token in the connection_init payload (`{"Authorization": "Bearer <token>"}`);
without a valid one the socket is closed with 4403 before any subscription can start.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from incident_graph.api.context import Context
from incident_graph.api.http.bearer import bearer_secret
from incident_graph.api.http.graphql_view import GraphQLView
from incident_graph.api.http.refusal_audit import gate_attempt
from incident_graph.api.schema import IncidentSchema
from incident_graph.auth.credentials import InvalidTokenError, Refused, TokenRefusal, authenticate
from incident_graph.auth.principal import ANONYMOUS
from incident_graph.auth.refusal_log import RefusalLog
from incident_graph.config import Settings
from incident_graph.notify.secrets import Keyring
from incident_graph.store import Database, Writer

# How a websocket's refusals are named in the audit log.
OPERATION: Final = "websocket /api/graphql"


@dataclass(slots=True)
class LiveContext(Context):
    connection_params: dict[str, Any] | None = None


class LiveView(GraphQLView):
    """The websocket side of /api/graphql: graphql-transport-ws only."""

    def __init__(
        self,
        schema: IncidentSchema,
        *,
        settings: Settings,
        db: Database,
        writer: Writer,
        keyring: Keyring,
        refusals: RefusalLog,
    ) -> None:
        super().__init__(schema, settings=settings, db=db, writer=writer, keyring=keyring)
        self.protocols = (GRAPHQL_TRANSPORT_WS_PROTOCOL,)
        self._refusals = refusals

    async def get_context(
        self,
        request: Request | WebSocket,
        response: Response | WebSocket,  # noqa: ARG002 - strawberry's signature
    ) -> Context:
        return self.context(
            LiveContext, request=request, response=None, principal=ANONYMOUS, request_id="ws"
        )

    async def on_ws_connect(self, context: Context) -> None:
        params = getattr(context, "connection_params", None) or {}
        raw = str(params.get("Authorization") or params.get("authorization") or "")
        secret = bearer_secret(raw)
        scope = context.request.scope
        if secret is None:
            refused = Refused(TokenRefusal.MISSING, None)
            await self._refusals.record(gate_attempt(scope, refused, operation=OPERATION))
            raise ConnectionRejectionError
        try:
            context.principal = await authenticate(db=self._db, secret=secret)
        except InvalidTokenError as exc:
            await self._refusals.record(gate_attempt(scope, exc.refused, operation=OPERATION))
            raise ConnectionRejectionError from exc

    def encode_json(self, data: object) -> str:  # type: ignore[override]
        # strawberry sends a str as a text frame and bytes as a binary one; graphql-transport-ws
        # clients (the standard graphql-ws in a browser among them) parse text frames only.
        return orjson.dumps(data).decode()
