"""What the request gate hands the GraphQL view: the request id, the caller, the decoded body.

The gate reads and decodes a POST body to check it (size, JSON, batches, anonymous
introspection); the view runs that payload rather than decoding the body again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from cross_web import StarletteRequestAdapter
from starlette.requests import HTTPConnection
from starlette.types import Scope

from incident_graph.auth.principal import Principal

_KEY: Final = "admitted"


@dataclass(frozen=True, slots=True)
class Admitted:
    request_id: str
    principal: Principal
    # The JSON object a POST carried; None for a GET, or a body the gate did not decode.
    payload: dict[str, Any] | None


def admit(scope: Scope, admitted: Admitted) -> None:
    """Hand `admitted` to whatever runs the request after the gate."""
    scope.setdefault("state", {})[_KEY] = admitted


def admitted_of(connection: HTTPConnection) -> Admitted:
    found: Admitted = connection.state.admitted
    return found


class AdmittedRequest(StarletteRequestAdapter):
    """strawberry's view of a request the gate admitted: with the payload it decoded."""

    @property
    def payload(self) -> dict[str, Any] | None:
        return admitted_of(self._request).payload
