"""Refusals in GMS's Rest.li error shape: `{"exceptionClass", "message", "status"}`.

DataHub's emitters retry 5xx answers, so bad input is always a 4xx; only a database that cannot
be used now is a 503 (with Retry-After), which they should retry. The sink shows `message` in
its run report.
"""

from __future__ import annotations

from typing import Any, Final

from starlette.responses import JSONResponse

from incident_graph.api.http.unavailable import STATUS as UNAVAILABLE_STATUS
from incident_graph.api.http.unavailable import retry_after

EXCEPTION_CLASS: Final = "com.linkedin.restli.server.RestLiServiceException"


class IngestError(Exception):
    """A request refused as a whole; nothing it carried was stored."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra

    def response(self, request_id: str) -> JSONResponse:
        body = {"exceptionClass": EXCEPTION_CLASS, "message": self.message, "status": self.status}
        headers = {"X-Request-Id": request_id}
        if self.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if self.status == UNAVAILABLE_STATUS:
            headers |= retry_after()
        return JSONResponse(body | self.extra, status_code=self.status, headers=headers)


class AspectError(ValueError):
    """An aspect's JSON does not have the shape DataHub gives it (answered 422)."""


def bad_request(message: str) -> IngestError:
    return IngestError(400, message)


def unprocessable(message: str, **extra: Any) -> IngestError:
    return IngestError(422, message, **extra)
