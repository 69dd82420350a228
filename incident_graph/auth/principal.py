"""Who is calling: the user behind a valid token."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from incident_graph.domain.enums import Role
from incident_graph.urns import user_urn


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: int
    name: str
    role: Role
    token_id: int

    @property
    def urn(self) -> str:
        return user_urn(self.name)


# Who a request is before (or without) a token: a tokenless introspection query, which selects
# only __schema, __type and __typename (the gate checks), so no resolver ever sees it; and a
# websocket until its connection_init authenticates it (no operation starts before that).
ANONYMOUS: Final = Principal(user_id=0, name="anonymous", role=Role.VIEWER, token_id=0)
