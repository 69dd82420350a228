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

from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.config import Settings
from incident_graph.domain.clock import Clock, now_ms
from incident_graph.domain.errors import UnavailableError
from incident_graph.domain.notifications import DeliveryStatus, backoff_ms
from incident_graph.notify.destinations import (
    Destination,
    Message,
    SendResult,
    SmtpServer,
    destinations,
)
from incident_graph.notify.egress import guarded_client, policy_for
from incident_graph.notify.expand import ExpandSettings, expand_pending
from incident_graph.notify.live import LiveEvents
from incident_graph.notify.outbox import EVENT_COMMITTED
from incident_graph.notify.release import prepare
from incident_graph.notify.secrets import Keyring, SecretKeyError, seal_channels
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
        clock: Clock = now_ms,
        keyring: Keyring | None = None,
    ) -> None:
        self._live = live
        self._writer = writer
        self._settings = settings
        self._clock = clock
        self._keyring = keyring or Keyring(settings)
        self._sealed = False
        timeout_s = settings.notify_timeout_ms / 1000
        self._client = guarded_client(policy_for(settings), timeout_s=timeout_s)
        self._senders = senders or destinations(
            self._client, timeout_s=timeout_s, smtp=smtp_server(settings)
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
        # Events committed by this process start a round at once; the poll remains for other
        # processes' events, retries that fall due and held quiet hours.
        self._writer.on_signal(EVENT_COMMITTED, self.wake)
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
            # Cleared before the round, so a wake-up that comes during it starts the next one.
            self._wake.clear()
            try:
                busy = await self.run_once()
            except UnavailableError as exc:
                # The database is down: nothing was lost (deliveries are rows; a lease that
                # was taken expires), so say it in one line and try again next round.
                log.warning("delivery round skipped: %s", exc.message)
                busy = 0
            except Exception:  # the worker outlives any one failed round
                log.exception("delivery round failed; retrying after the poll interval")
                busy = 0
            if busy:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._settings.notify_poll_ms / 1000)

    async def run_once(self) -> int:
        """One round: expand a batch of events and send a batch of due deliveries."""
        if not self._sealed:
            # Plaintext secrets from before encryption are sealed before anything is sent, and
            # a worker without the key its secrets were stored with stops here.
            await self._writer.run(lambda s: seal_channels(s, keyring=self._keyring))
            self._sealed = True
        expanded = await self._writer.run(
            lambda s: expand_pending(s, settings=self._expand, now_ms=self._clock())
        )
        if self._live is not None:
            await self._live.announce(expanded)
        return len(expanded) + await self._deliver_due()

    async def _deliver_due(self) -> int:
        token = uuid.uuid4().hex
        at = self._clock()

        async def claim(session: AsyncSession) -> list[Claimed]:
            leased = await notification_store.claim_due(
                session,
                now_ms=at,
                limit=self._settings.notify_batch,
                lease_ms=self._settings.notify_lease_ms,
                token=token,
            )
            return await prepare(session, leased, now_ms=at)

        claimed = await self._writer.run(claim)
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
        if outcome.permanent or attempts >= self._settings.notify_max_attempts:
            return DeliveryStatus.DEAD, outcome.time_ms
        delay = backoff_ms(
            attempts,
            base_ms=self._settings.notify_backoff_base_ms,
            max_ms=self._settings.notify_backoff_max_ms,
        )
        return DeliveryStatus.FAILED, outcome.time_ms + delay

    async def _attempt(self, item: Claimed) -> Outcome:
        started = time.monotonic()
        at = self._clock()
        result = await self._send(item)
        return Outcome(
            delivery_id=item.delivery_id,
            ok=result.ok,
            http_status=result.http_status,
            error=result.error,
            time_ms=at,
            duration_ms=int((time.monotonic() - started) * 1000),
            permanent=result.permanent,
        )

    async def _send(self, item: Claimed) -> SendResult:
        sender = self._senders.get(item.channel_kind)
        if sender is None:
            return SendResult(ok=False, error=f"no sender for destination {item.channel_kind}")
        try:
            config = self._keyring.open(item.channel_config)
        except SecretKeyError as exc:
            return SendResult(ok=False, error=str(exc), permanent=True)
        message = Message(
            delivery_id=item.delivery_id,
            event_id=item.event_id,
            kind=item.event_kind,
            payload=item.payload,
            recipients=item.recipients,
            config=config,
            soda_event_names=item.soda_event_names,
            user_urn=item.user_urn,
            addresses=item.addresses,
            problem=item.problem,
        )
        try:
            return await sender.send(message)
        except Exception as exc:  # one bad delivery must not stop the rest
            log.exception("sending delivery %d failed", item.delivery_id)
            return SendResult(ok=False, error=f"{type(exc).__name__}: {exc}"[:300])


def smtp_server(settings: Settings) -> SmtpServer | None:
    """The server's own SMTP relay for personal deliveries, when one is configured."""
    if not settings.smtp_host or not settings.smtp_from:
        return None
    return SmtpServer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=settings.smtp_password,
    )
