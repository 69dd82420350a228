"""The delivery worker: expand outbox events, then send due deliveries, at least once.

Each round: one writer unit expands a batch of events into deliveries; one unit leases due
deliveries to this worker (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, the lease itself on
SQLite, where BEGIN IMMEDIATE already serialises the claim); sending happens after that commit,
with plain data; one unit logs every attempt and settles each delivery. A worker that dies
mid-send leaves its lease to expire, and the delivery is sent again (receivers deduplicate by
the delivery id in the X-Incident-Graph-Delivery header).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Mapping

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.config import Settings
from incident_graph.domain.clock import now_ms
from incident_graph.domain.notifications import DeliveryStatus, NotifyKind, backoff_ms
from incident_graph.notify.destinations import Destination, Message, SendResult, destinations
from incident_graph.notify.expand import ExpandSettings, expand_pending
from incident_graph.notify.live import LiveEvents
from incident_graph.store import Writer
from incident_graph.store import notifications as notification_store
from incident_graph.store.notifications import Claimed, Outcome

log = logging.getLogger(__name__)

# Sends in flight at once per worker.
SEND_CONCURRENCY = 32


class DeliveryWorker:
    """Runs rounds until stopped; `run_once` is one round, for tests and the CLI."""

    def __init__(
        self,
        *,
        writer: Writer,
        settings: Settings,
        senders: Mapping[str, Destination] | None = None,
        live: LiveEvents | None = None,
    ) -> None:
        self._live = live
        self._writer = writer
        self._settings = settings
        self._client = httpx.AsyncClient(
            timeout=settings.notify_timeout_ms / 1000, follow_redirects=False
        )
        self._senders = senders or destinations(
            self._client, timeout_s=settings.notify_timeout_ms / 1000
        )
        self._expand = ExpandSettings(
            base_url=settings.base_url,
            downstream_depth=settings.notify_downstream_depth,
            batch=settings.notify_batch,
        )
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._loop(), name="delivery-worker")

    async def stop(self) -> None:
        """Finish the round in progress (bounded by the send timeout), then stop."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(self._task, self._settings.notify_timeout_ms / 1000 + 5)
            except TimeoutError:
                log.warning("delivery worker did not stop in time; its leases will expire")
            self._task = None
        await self._client.aclose()

    def wake(self) -> None:
        """Start the next round now rather than after the poll interval."""
        self._wake.set()

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                busy = await self.run_once()
            except Exception:  # the worker outlives any one failed round
                log.exception("delivery round failed; retrying after the poll interval")
                busy = 0
            if busy:
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.notify_poll_ms / 1000)

    async def run_once(self) -> int:
        """One round: expand a batch of events and send a batch of due deliveries."""
        expanded = await self._writer.run(
            lambda s: expand_pending(s, settings=self._expand, now_ms=now_ms())
        )
        if self._live is not None:
            await self._live.announce(expanded)
        return len(expanded) + await self._deliver_due()

    async def _deliver_due(self) -> int:
        token = uuid.uuid4().hex
        claimed = await self._writer.run(
            lambda s: notification_store.claim_due(
                s,
                now_ms=now_ms(),
                limit=self._settings.notify_batch,
                lease_ms=self._settings.notify_lease_ms,
                token=token,
            )
        )
        if not claimed:
            return 0
        gate = asyncio.Semaphore(SEND_CONCURRENCY)

        async def bounded(item: Claimed) -> Outcome:
            async with gate:
                return await self._attempt(item)

        outcomes = await asyncio.gather(*(bounded(c) for c in claimed))
        by_id = {c.delivery_id: c for c in claimed}

        async def settle(session: AsyncSession) -> None:
            for outcome in outcomes:
                status, next_at = self._verdict(by_id[outcome.delivery_id], outcome)
                await notification_store.finish(
                    session, outcome=outcome, token=token, status=status, next_attempt_ms=next_at
                )

        await self._writer.run(settle)
        return len(claimed)

    def _verdict(self, item: Claimed, outcome: Outcome) -> tuple[DeliveryStatus, int]:
        if outcome.ok:
            return DeliveryStatus.DELIVERED, outcome.time_ms
        attempts = item.attempts + 1
        if attempts >= self._settings.notify_max_attempts:
            return DeliveryStatus.DEAD, outcome.time_ms
        delay = backoff_ms(
            attempts,
            base_ms=self._settings.notify_backoff_base_ms,
            max_ms=self._settings.notify_backoff_max_ms,
        )
        return DeliveryStatus.FAILED, outcome.time_ms + delay

    async def _attempt(self, item: Claimed) -> Outcome:
        started = time.monotonic()
        at = now_ms()
        sender = self._senders.get(item.channel_kind)
        if sender is None:
            result = SendResult(ok=False, error=f"no sender for destination {item.channel_kind}")
        else:
            message = Message(
                delivery_id=item.delivery_id,
                event_id=item.event_id,
                kind=NotifyKind(item.event_kind),
                payload=item.payload,
                recipients=item.recipients,
                config=item.channel_config,
                soda_event_names=item.soda_event_names,
            )
            try:
                result = await sender.send(message)
            except Exception as exc:  # one bad delivery must not stop the rest
                log.exception("sending delivery %d failed", item.delivery_id)
                result = SendResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:300])
        return Outcome(
            delivery_id=item.delivery_id,
            ok=result.ok,
            http_status=result.http_status,
            error=result.error,
            time_ms=at,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
