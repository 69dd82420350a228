"""Real receivers on 127.0.0.1 for notification tests: HTTP (Starlette under uvicorn) and SMTP."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class HttpReceiver:
    """Records every request; `respond(n)` picks the status of the n-th request (0-based)."""

    respond: Callable[[int], int] = lambda _n: 200
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    # Requests whose handler is told to hang until the test releases them.
    hang: Callable[[int], bool] = lambda _n: False
    release: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.requests if 200 <= r.status < 300]

    async def _handle(self, request: Request) -> Response:
        n = len(self.requests)
        body = await request.body()
        status = self.respond(n)
        hangs = self.hang(n)
        # A request left hanging was never answered, so it is not counted as accepted.
        self.requests.append(
            Received(request.url.path, dict(request.headers), body, 0 if hangs else status)
        )
        self.arrived.set()
        if hangs:
            await self.release.wait()
        return Response("ok" if status < 300 else "nope", status_code=status)


@asynccontextmanager
async def http_receiver(**kwargs: Any) -> AsyncIterator[HttpReceiver]:
    receiver = HttpReceiver(**kwargs)
    app = Starlette(routes=[Route("/{path:path}", receiver._handle, methods=["POST"])])
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    receiver.port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.should_exit = True
        await task
        sock.close()


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], Message]] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), message_from_bytes(envelope.content)))
        return "250 Message accepted for delivery"


@asynccontextmanager
async def smtp_receiver(
    login: tuple[str, str] | None = None,
) -> AsyncIterator[tuple[int, list[tuple[list[str], Message]]]]:
    """An aiosmtpd server on an ephemeral port; yields (port, received messages).

    With `login`, the server requires AUTH with that user name and password (over plain
    SMTP: it is a test server on loopback)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mailbox = _Mailbox()
    auth: dict[str, Any] = {}
    if login is not None:

        def authenticator(*args: Any) -> AuthResult:
            data = args[4]
            ok = (
                isinstance(data, LoginPassword)
                and (
                    data.login.decode(),
                    data.password.decode(),
                )
                == login
            )
            return AuthResult(success=ok)

        auth = {"authenticator": authenticator, "auth_required": True, "auth_require_tls": False}
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, **auth)
    controller.start()
    try:
        yield port, mailbox.messages
    finally:
        controller.stop()
