"""Signed badge URLs: a badge is fetched where no header can be sent (a wiki page, a README, a
BI tile), so the URL itself carries the permission, an HMAC of the asset URN under a key
derived from the server's own keyring. Anyone holding the URL sees that asset's health and
nothing else; a URL for another URN cannot be made from it."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Final
from urllib.parse import quote

if TYPE_CHECKING:
    from incident_graph.config import Settings
    from incident_graph.notify.secrets import Keyring

PREFIX: Final = "/badge/"
SUFFIX: Final = ".svg"
PURPOSE: Final = b"incident-graph badge url v1"
# 128 bits of the HMAC, hex: short enough for a URL, far beyond guessing.
LENGTH: Final = 32


def _mac(key: bytes, urn: str) -> str:
    return hmac.new(key, urn.encode(), hashlib.sha256).hexdigest()[:LENGTH]


def sign(keyring: Keyring, urn: str) -> str:
    """The signature of `urn` under the current key."""
    return _mac(keyring.derived(PURPOSE)[0], urn)


def verify(keyring: Keyring, urn: str, signature: str | None) -> bool:
    """Whether `signature` is `urn`'s under any configured key (old keys keep their URLs
    working through a rotation), compared in constant time."""
    if not signature:
        return False
    return any(hmac.compare_digest(_mac(key, urn), signature) for key in keyring.derived(PURPOSE))


def badge_url(settings: Settings, keyring: Keyring, urn: str) -> str:
    """The asset's signed badge URL, on the server's public address."""
    path = f"{settings.base_url.rstrip('/')}{PREFIX}{quote(urn, safe='')}{SUFFIX}"
    return f"{path}?sig={sign(keyring, urn)}"


__all__ = ["PREFIX", "SUFFIX", "badge_url", "sign", "verify"]
