"""Live incident events for GraphQL subscriptions, across server processes.

Once the worker has expanded an event (owners, link, recipients), it is announced: on
PostgreSQL by NOTIFY inside the expansion's own transaction, so every server's LISTEN
connection hears it once it commits; on SQLite (one process) directly in process. Each server
then loads the event and hands it to its own subscribers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Coroutine, Sequence
from typing import Any, Final

from incident_graph.domain.events import Notification
from incident_graph.store import Database
from incident_graph.store import notifications as notification_store

log = logging.getLogger(__name__)

CHANNEL: Final = "incident_graph_events"
# A subscriber this far behind is too slow to keep up; it misses events rather than grow memory.
QUEUE_SIZE: Final = 1000
# Pauses between attempts to listen again after the connection was lost, doubling to the cap.
_RELISTEN_PAUSE_S: Final = 0.1
_RELISTEN_PAUSE_MAX_S: Final = 2.0


class LiveEvents:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._queues: set[asyncio.Queue[Notification]] = set()
        self._listener: Any = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False

    async def start(self) -> None:
        """Where other processes may write (PostgreSQL), listen on a connection of its own."""
        self._stopping = False
        await self._listen()

    async def stop(self) -> None:
        self._stopping = True
        if self._listener is not None:
            await self._listener.close()
            self._listener = None
        for task in list(self._tasks):
            task.cancel()

    async def _listen(self) -> None:
        self._listener = await self._db.dialect.listen(
            self._db.url, CHANNEL, self._on_notify, self._on_lost
        )

    def _on_lost(self) -> None:
        """The LISTEN connection ended (the database restarted, say): listen again.

        Until then `listens` is False, so this process publishes its own events directly;
        other processes' events in the gap are missed by live subscribers (deliveries are not:
        they are rows, not notifications).
        """
        if self._stopping or self._listener is None:
            return
        self._listener = None
        log.warning("lost the connection listening for live events; reconnecting")
        self._spawn(self._relisten())

    async def _relisten(self) -> None:
        pause = _RELISTEN_PAUSE_S
        while not self._stopping:
            try:
                await self._listen()
            except Exception as exc:  # noqa: BLE001 - down still: try again after a pause
                log.warning("could not listen for live events yet (%s)", type(exc).__name__)
            else:
                log.info("listening for live events again")
                return
            await asyncio.sleep(pause)
            pause = min(pause * 2, _RELISTEN_PAUSE_MAX_S)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @property
    def listens(self) -> bool:
        return self._listener is not None

    def _on_notify(self, _channel: str, payload: str) -> None:
        ids = [int(part) for part in payload.split(",") if part]
        self._spawn(self._load_and_publish(ids))

    async def announce(self, event_ids: Sequence[int]) -> None:
        """Called after an expansion commits; listening servers hear it through NOTIFY."""
        if event_ids and not self.listens:
            await self._load_and_publish(event_ids)

    async def _load_and_publish(self, event_ids: Sequence[int]) -> None:
        if not self._queues:
            return
        try:
            async with self._db.reading() as session:
                events = await notification_store.notifications_by_id(session, ids=event_ids)
        except Exception:  # a lost read loses live updates only, never a delivery
            log.exception("could not load live events %s", list(event_ids))
            return
        for event_id in sorted(events):
            self.publish(events[event_id])

    def publish(self, payload: Notification) -> None:
        for queue in list(self._queues):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(payload)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Queue[Notification]]:
        queue: asyncio.Queue[Notification] = asyncio.Queue(QUEUE_SIZE)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)
