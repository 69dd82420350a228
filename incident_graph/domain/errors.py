"""Errors the rules raise; the API maps each class to a stable GraphQL `extensions.code`."""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    code: ClassVar[str] = "INTERNAL"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class BadUserInputError(DomainError):
    code = "BAD_USER_INPUT"


class UnauthenticatedError(DomainError):
    code = "UNAUTHENTICATED"


class ForbiddenError(DomainError):
    code = "FORBIDDEN"


class NotFoundError(DomainError):
    code = "NOT_FOUND"


class ConflictError(DomainError):
    code = "CONFLICT"


class UnavailableError(DomainError):
    """The server cannot do it now (database unreachable, writer restarting); retry later."""

    code = "UNAVAILABLE"
