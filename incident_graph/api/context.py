"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from incident_graph.api.assets.loaders import Loaders
from incident_graph.auth.principal import Principal
from incident_graph.config import Settings
from incident_graph.store import Database, Writer


@dataclass(slots=True)
class Context:
    request: Request | WebSocket
    response: Response | None
    principal: Principal
    request_id: str
    settings: Settings
    db: Database
    writer: Writer
    loaders: Loaders


Info = StrawberryInfo[Context, None]
