"""The one reading of an `Authorization: Bearer <token>` value, for HTTP and websockets alike."""

from __future__ import annotations


def bearer_secret(authorization: str) -> str | None:
    """The token an Authorization value carries; None when it carries none (or another scheme)."""
    scheme, _, secret = authorization.partition(" ")
    secret = secret.strip()
    return secret if scheme.lower() == "bearer" and secret else None
