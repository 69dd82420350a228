"""Notifications connect only where the egress policy allows: checked at creation and at send.

At creation a channel's host is resolved and every address checked, so a bad URL is refused
at once. DNS can change afterwards, so every send checks again where it matters: the HTTP
client's network backend resolves the host itself, refuses when any address is not allowed,
and connects to an address it has just checked (not to a name that could resolve anew).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterable
from functools import cache
from ipaddress import ip_address
from urllib.parse import urlsplit

import httpcore
import httpx

from incident_graph.config import Settings
from incident_graph.domain.egress import EgressPolicy

# Creation answers a person waiting on it: a slow resolver leaves the check to send time.
CREATE_RESOLVE_TIMEOUT_S = 3.0


def policy_for(settings: Settings) -> EgressPolicy:
    return EgressPolicy.of(
        allow_private=settings.notify_allow_private_networks,
        allowed=settings.notify_allowed_networks,
    )


class BlockedAddress(httpcore.ConnectError):
    """The destination resolves to an address the egress policy refuses."""


async def _resolve(host: str, port: int, limit_s: float | None) -> list[str]:
    loop = asyncio.get_running_loop()
    async with asyncio.timeout(limit_s):
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _first_refusal(policy: EgressPolicy, host: str, addresses: Iterable[str]) -> str | None:
    for address in addresses:
        reason = policy.refusal(address)
        if reason is not None:
            return reason if address == host else f"{host} resolves to {address} ({reason})"
    return None


async def url_refusal(policy: EgressPolicy, url: str) -> str | None:
    """Why a channel may not post to `url`, or None. A name that does not resolve yet passes:
    the check at send time still applies."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    else:
        return _first_refusal(policy, host, [host])
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = await _resolve(host, port, CREATE_RESOLVE_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError, UnicodeError):
        return None
    return _first_refusal(policy, host, addresses)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's own backend, behind a check of every address it is asked to connect to."""

    def __init__(self, policy: EgressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await _resolve(host, port, timeout)
        except (OSError, TimeoutError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        reason = _first_refusal(self._policy, host, addresses)
        if reason is not None:
            raise BlockedAddress(f"refused by the egress policy: {reason}")
        failure: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = httpcore.ConnectError(str(exc) or type(exc).__name__)
        raise failure or httpcore.ConnectError(f"{host} has no address")

    async def connect_unix_socket(
        self,
        path: str,  # noqa: ARG002
        timeout: float | None = None,  # noqa: ARG002, ASYNC109
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,  # noqa: ARG002
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("notifications are not sent over unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


@cache
def _ssl_context() -> ssl.SSLContext:
    # Loading the trusted certificates takes about 40 ms; one context serves every client.
    return httpx.create_ssl_context()


def guarded_client(policy: EgressPolicy, *, timeout_s: float) -> httpx.AsyncClient:
    """The notification HTTP client: no redirects, no proxies from the environment (a proxy
    would hide the destination from the check), and the guarded backend."""
    transport = httpx.AsyncHTTPTransport(verify=_ssl_context())
    # httpx offers no hook for the network backend: its pool is rebuilt around ours.
    transport._pool = httpcore.AsyncConnectionPool(  # noqa: SLF001
        ssl_context=_ssl_context(), network_backend=GuardedBackend(policy)
    )
    return httpx.AsyncClient(
        transport=transport, timeout=timeout_s, follow_redirects=False, trust_env=False
    )


def blocked_reason(exc: BaseException) -> str | None:
    """The egress refusal behind an httpx error, if that is what it was."""
    cause = exc.__cause__
    return str(cause) if isinstance(cause, BlockedAddress) else None


__all__ = [
    "BlockedAddress",
    "GuardedBackend",
    "blocked_reason",
    "guarded_client",
    "policy_for",
    "url_refusal",
]
