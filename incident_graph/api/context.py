"""The typed per-request context every resolver receives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from incident_graph.auth.principal import Principal
from incident_graph.config import Settings
from incident_graph.notify.secrets import Keyring
from incident_graph.store import Database, Writer

if TYPE_CHECKING:
    # Type-only: entity.py, and every feature the loaders import, import this module.
    from incident_graph.api.entity import Entity
    from incident_graph.api.loaders import Loaders
    from incident_graph.store.tables import Asset


@dataclass(slots=True)
class Context:
    request: Request | WebSocket
    response: Response | None
    principal: Principal
    request_id: str
    settings: Settings
    db: Database
    writer: Writer
    # Seals channel secrets before a unit is queued (one per app, keys read at start).
    keyring: Keyring
    loaders: Loaders
    # The asset types' constructor, handed in by the view: an asset lists its incidents, so
    # the asset types import the incident types, and an incident's assets (and entity(urn))
    # reach the asset types through here rather than by importing them back.
    asset_entity: Callable[[Asset], Entity]


Info = StrawberryInfo[Context, None]

__all__ = ["Context", "Info"]
