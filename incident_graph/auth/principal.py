"""Who is calling: the user behind a valid token."""

from __future__ import annotations

from dataclasses import dataclass

from incident_graph.domain.enums import Role
from incident_graph.domain.errors import ForbiddenError
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

    def require_write(self) -> None:
        if not self.role.can_write:
            raise ForbiddenError(
                f"user {self.name!r} has role {self.role.value!r}, which can only read; "
                "ask an admin for an editor token"
            )
