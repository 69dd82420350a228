"""Refusals at the request gate (no, unknown, revoked or expired token) in the audit log, bounded.

Anyone can send requests without a valid token, so one row per refusal would let a client with
no credentials grow the audit log as fast as it can send. So:

- Identical refusals (same client address, same token or none, same operation) are one row per
  second: the first is written at once; the repeats in that second are counted and written as
  one summary row ("N more") after it.
- Across all clients at most PER_SECOND first rows are written a second. Refusals over that are
  only counted, and written as one "not itemised" row a second.

So the gate adds at most 2 * PER_SECOND + 1 rows a second, however much arrives, and a refusal
costs no database read beyond the token lookup authentication already did: its row says what
that check answered (auth/credentials.py). Rows go through the group-commit writer. The secret
is never written: a known token is named by its id and name (and its user is the actor); an
unknown one by a SHA-256 fingerprint.

The app's lifespan stops the log before the writer, so counts still pending are written then.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.auth.credentials import Refused, TokenRefusal
from incident_graph.auth.tokens import TOKEN_PREFIX, hash_secret
from incident_graph.domain.clock import now_ms
from incident_graph.store import Writer, WriterClosedError
from incident_graph.store import audit as audit_store
from incident_graph.store.writer import Unit
from incident_graph.urns import user_urn

log = logging.getLogger(__name__)

PER_SECOND: Final = 10
WINDOW_S: Final = 1.0
# Distinct (client, token, operation) keys followed at once; beyond it refusals are only counted.
MAX_KEYS: Final = 10_000
ANONYMOUS: Final = "anonymous"
GATE: Final = "(request gate)"
MAX_OPERATION: Final = 100  # the audit_log.operation column
# What each refusal's row says after its kind.
WHY: Final = {
    TokenRefusal.MISSING: "no bearer token",
    TokenRefusal.UNKNOWN: "no such token",
    TokenRefusal.REVOKED: "the token was revoked",
    TokenRefusal.EXPIRED: "the token has expired",
}


@dataclass(frozen=True, slots=True)
class GateAttempt:
    """A refused request: from where, for what, and the credential check's answer."""

    client: str
    operation: str
    refused: Refused


@dataclass(frozen=True, slots=True)
class Row:
    actor: str
    operation: str
    target: str | None
    kind: str
    reason: str


@dataclass(slots=True)
class _Window:
    ends: float
    row: Row | None = None
    repeats: int = 0


@dataclass(slots=True)
class _Budget:
    second: int = -1
    used: int = 0


def fingerprint(secret: str) -> str:
    """How an unknown token is named: its public prefix, if ours, and part of its hash."""
    kind = "an igt_ token" if secret.startswith(TOKEN_PREFIX) else "not an igt_ token"
    return f"{kind}, sha256 {hash_secret(secret)[:12]}"


@dataclass(slots=True)
class RefusalLog:
    """Writes gate refusals to the audit log, coalesced and rate-limited as described above."""

    writer: Writer
    per_second: int = PER_SECOND
    window_s: float = WINDOW_S
    max_keys: int = MAX_KEYS
    clock: Callable[[], float] = time.monotonic
    _windows: dict[tuple[str, str, str], _Window] = field(default_factory=dict)
    _budget: _Budget = field(default_factory=_Budget)
    _due: list[Row] = field(default_factory=list)
    _overflow: int = 0
    _flusher: asyncio.Task[None] | None = None
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def record(self, attempt: GateAttempt) -> None:
        """Audit one refusal: a row now, or a count for a later summary row."""
        now = self.clock()
        secret = attempt.refused.secret
        key = (attempt.client, "" if secret is None else hash_secret(secret), attempt.operation)
        window = self._windows.get(key)
        if window is not None and now < window.ends:
            window.repeats += 1
            self._schedule_flush()
            return
        if window is not None:
            self._retire_one(key, window)
        second = math.floor(now / self.window_s)
        if self._budget.second != second:
            self._budget = _Budget(second=second)
            self._retire(ended_before=now)
        if self._budget.used >= self.per_second or len(self._windows) >= self.max_keys:
            self._overflow += 1
            self._schedule_flush()
            return
        self._budget.used += 1
        window = _Window(ends=now + self.window_s)
        self._windows[key] = window
        window.row = _describe(attempt)
        try:
            await self.writer.run(self._unit([window.row]))
        except Exception:  # a refusal's audit never turns the 401 into something else
            log.exception("could not write a gate refusal to the audit log")
            self._windows.pop(key, None)

    async def stop(self) -> None:
        """Write the counts still pending now, and end the flusher (before the writer stops)."""
        self._stopping.set()
        if self._flusher is not None:
            await self._flusher

    def _unit(self, rows: list[Row]) -> Unit[None]:
        async def unit(session: AsyncSession) -> None:
            now = now_ms()
            for row in rows:
                await audit_store.append(
                    session,
                    actor=row.actor,
                    operation=row.operation,
                    target=row.target,
                    allowed=False,
                    reason=row.reason,
                    now_ms=now,
                )

        return unit

    def _retire(self, *, ended_before: float) -> None:
        """Drop ended windows, so memory follows the last second's traffic; those that counted
        repeats leave a summary row to write."""
        for key, window in list(self._windows.items()):
            if window.ends <= ended_before:
                self._retire_one(key, window)

    def _retire_one(self, key: tuple[str, str, str], window: _Window) -> None:
        del self._windows[key]
        if window.repeats and window.row is not None:
            first = window.row
            self._due.append(
                Row(
                    first.actor,
                    first.operation,
                    first.target,
                    first.kind,
                    f"{first.kind}: {window.repeats} more identical refusals within "
                    f"{self.window_s:g} s of the one before, not written one by one",
                )
            )

    def _pending(self) -> bool:
        return bool(self._due or self._overflow or any(w.repeats for w in self._windows.values()))

    def _schedule_flush(self) -> None:
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush_later(), name="gate-refusal-log")

    async def _flush_later(self) -> None:
        """Write the counts once their windows end (all of them when stopping); stop when
        nothing is left to count."""
        while self._pending():
            # At most one "not itemised" row a window, unless the log is being stopped.
            with suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.window_s)
            self._retire(ended_before=math.inf if self._stopping.is_set() else self.clock())
            rows, self._due = self._due, []
            if self._overflow:
                rows.append(
                    Row(
                        ANONYMOUS,
                        GATE,
                        None,
                        "rate limit",
                        f"rate limit: {self._overflow} refusals at the request gate not written "
                        f"one by one (over {self.per_second} a second)",
                    )
                )
                self._overflow = 0
            if rows:
                try:
                    await self.writer.run(self._unit(rows))
                except WriterClosedError:  # shutting down: these counts are lost, said once
                    log.info("server stopping: %d gate refusal counts not written", len(rows))
                    return
                except Exception:
                    log.exception("could not write %d gate refusal counts", len(rows))


def _describe(attempt: GateAttempt) -> Row:
    """The refusal's row, from the credential check's answer: no second look at the token."""
    refused, client = attempt.refused, attempt.client
    operation = attempt.operation[:MAX_OPERATION]
    kind = refused.reason.value
    reason = f"{kind}: {WHY[refused.reason]}"
    if refused.token is not None:
        target = f"token {refused.token.id} ({refused.token.name!r}), from {client}"
        return Row(user_urn(refused.token.user), operation, target, kind, reason)
    if refused.secret is not None:
        target = f"token ({fingerprint(refused.secret)}), from {client}"
        return Row(ANONYMOUS, operation, target, kind, reason)
    return Row(ANONYMOUS, operation, f"no token, from {client}", kind, reason)
