"""The one check of a presented bearer secret: the principal it names, or why it names none.

The request gate and the websocket's connection_init both ask here, and a refused request's
audit row is written from the same answer, so what the client is told and what the audit log
says come from one decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from incident_graph.auth.principal import Principal
from incident_graph.auth.tokens import hash_secret, matches
from incident_graph.domain.clock import now_ms
from incident_graph.domain.errors import UnauthenticatedError
from incident_graph.store import Database
from incident_graph.store import users as user_store


class TokenRefusal(StrEnum):
    """Why a request names no one."""

    MISSING = "missing"
    UNKNOWN = "unknown"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class KnownToken:
    """A stored token that was refused: the audit names it by id and name, its user as actor."""

    id: int
    name: str
    user: str


@dataclass(frozen=True, slots=True)
class Refused:
    """A request refused for its credentials, and what is known of them."""

    reason: TokenRefusal
    secret: str | None  # as presented, None when MISSING; never stored
    token: KnownToken | None = None  # for REVOKED and EXPIRED


_MESSAGES: Final = {
    TokenRefusal.UNKNOWN: (
        "the bearer token is not valid; create one with `incident-graph token create`"
    ),
    TokenRefusal.REVOKED: "the bearer token has been revoked; create a new one",
    TokenRefusal.EXPIRED: "the bearer token has expired; create a new one",
}


class InvalidTokenError(UnauthenticatedError):
    """UNAUTHENTICATED for a presented secret, carrying the check's answer for the audit."""

    def __init__(self, refused: Refused) -> None:
        super().__init__(_MESSAGES[refused.reason])
        self.refused = refused


async def authenticate(*, db: Database, secret: str) -> Principal:
    """The principal behind a bearer secret, or InvalidTokenError saying why not."""
    async with db.reading_connection() as connection:
        found = await user_store.find_token(connection, token_hash=hash_secret(secret))
    if found is None or not matches(secret, found.token_hash):
        raise InvalidTokenError(Refused(TokenRefusal.UNKNOWN, secret))
    known = KnownToken(id=found.token_id, name=found.token_name, user=found.user_name)
    if found.revoked_ms is not None:
        raise InvalidTokenError(Refused(TokenRefusal.REVOKED, secret, known))
    if found.expires_ms is not None and found.expires_ms <= now_ms():
        raise InvalidTokenError(Refused(TokenRefusal.EXPIRED, secret, known))
    return Principal(
        user_id=found.user_id, name=found.user_name, role=found.role, token_id=found.token_id
    )
