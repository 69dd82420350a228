"""GET /badge/{urn}.svg: an asset's health as a badge, for pages that cannot send a token.

The URL is the permission: `sig` must be the server's signature of the URN (what an asset's
`badgeUrl` gives), unless INCIDENT_GRAPH_PUBLIC_BADGES is on. `?format=json` answers in
shields.io's endpoint-badge format instead. Health is read by running the asset's own `health`
field, so the badge says what the API says, entry types added later included.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from typing import Any, Final

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from incident_graph import urns
from incident_graph.api.context import Context
from incident_graph.api.http.badge_image import endpoint_json, svg
from incident_graph.api.http.graphql_view import GraphQLView
from incident_graph.auth import badge_signature
from incident_graph.auth.badge_signature import SUFFIX
from incident_graph.auth.principal import Principal
from incident_graph.config import Settings
from incident_graph.domain.badge import HealthEntry, badge
from incident_graph.domain.enums import Role
from incident_graph.notify.secrets import Keyring

log = logging.getLogger(__name__)

# Long enough to spare the server a health read for every page view, short enough that a
# badge turns red within a minute of an incident; the ETag makes the re-check cheap.
CACHE_CONTROL: Final = "public, max-age=60, must-revalidate"
# Who reads health for a badge: a viewer (reads only), never a user of the database.
READER: Final = Principal(user_id=0, name="badge", role=Role.VIEWER, token_id=0)
HEALTH: Final = """query Badge($urn: String!) {
  entity(urn: $urn) {
    ... on DataAsset { health { type status message activeIncidentHealthDetails { count } } }
  }
}"""
TYPES: Final = {"svg": "image/svg+xml; charset=utf-8", "json": "application/json"}


class _RefusedError(Exception):
    """A badge request answered with a status and a plain-text reason instead of a badge."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class BadgeRoute:
    """The ASGI endpoint; one per app, sharing the GraphQL view's context."""

    def __init__(self, view: GraphQLView, *, settings: Settings, keyring: Keyring) -> None:
        self._view = view
        self._settings = settings
        self._keyring = keyring

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            response = await self._answer(request)
        except _RefusedError as refused:
            response = PlainTextResponse(refused.reason, refused.status)
        await response(scope, receive, send)

    def _urn(self, request: Request) -> str:
        """The asset URN of a request it may see, else refused: 403 before anything else, so
        an unsigned caller learns nothing."""
        path: str = request.path_params["path"]
        if not path.endswith(SUFFIX):
            raise _RefusedError(404, "badge URLs end in .svg: /badge/<asset URN>.svg")
        urn = path.removesuffix(SUFFIX)
        signature = request.query_params.get("sig")
        if not self._settings.public_badges and not badge_signature.verify(
            self._keyring, urn, signature
        ):
            why = "has no signature" if not signature else "has a signature that does not match"
            raise _RefusedError(
                403,
                f"forbidden: this badge URL {why}. Copy the asset's badgeUrl from the API "
                "(or the console), which is signed for that asset.",
            )
        try:
            urns.parse_asset_urn(urn)
        except urns.InvalidUrnError as exc:
            raise _RefusedError(400, f"not an asset URN: {exc}") from exc
        return urn

    async def _answer(self, request: Request) -> Response:
        urn = self._urn(request)
        fmt = request.query_params.get("format", "svg")
        if fmt not in TYPES:
            raise _RefusedError(400, "format is svg (the default) or json")
        shown = badge(await self._health(request, urn))
        body = (
            endpoint_json(shown) if fmt == "json" else svg(shown, title=f"{urn}: {shown.message}")
        )
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag}
        if _matches(etag, request.headers.get("if-none-match")):
            return Response(status_code=304, headers=headers)
        return Response(body, media_type=TYPES[fmt], headers=headers)

    async def _health(self, request: Request, urn: str) -> list[HealthEntry] | None:
        """The asset's health entries; None when there is no such asset."""
        request_id = uuid.uuid4().hex
        context = self._view.context(
            Context, request=request, response=None, principal=READER, request_id=request_id
        )
        result = await self._view.schema.execute(
            HEALTH, variable_values={"urn": urn}, context_value=context
        )
        if result.errors:
            log.error(
                "badge health of %r failed (request id %s): %s", urn, request_id, result.errors
            )
            raise _RefusedError(503, "health could not be read; retry shortly")
        entity: dict[str, Any] | None = (result.data or {}).get("entity")
        if entity is None:
            return None
        return [
            HealthEntry(
                type=h["type"],
                status=h["status"],
                message=h["message"],
                active_count=(h["activeIncidentHealthDetails"] or {}).get("count"),
            )
            for h in entity.get("health") or []
        ]


def _tags(header: str | None) -> set[str]:
    if not header:
        return set()
    return {t.strip().removeprefix("W/") for t in header.split(",")}


def _matches(etag: str, header: str | None) -> bool:
    tags = _tags(header)
    return etag in tags or "*" in tags


__all__ = ["BadgeRoute"]
