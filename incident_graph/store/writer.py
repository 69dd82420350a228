"""Group-commit writer: many requests' units of work in one transaction, each its own result.

A unit that fails rolls back only its own changes and its caller gets its own error; the
others commit together (a batch runs without SAVEPOINTs first, and again with one per unit
only when a unit fails). On SQLite the single writer task is also what keeps concurrent
requests from ever meeting "database is locked".
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from incident_graph.domain.clock import Clock, now_ms
from incident_graph.domain.errors import ConflictError, DomainError
from incident_graph.store.database import release_request_reads

log = logging.getLogger(__name__)

T = TypeVar("T")
Unit = Callable[[AsyncSession], Awaitable[T]]


class WriterClosedError(RuntimeError):
    """The writer is stopping and takes no new units."""


@dataclass(slots=True)
class _Job:
    unit: Unit[Any]
    future: asyncio.Future[Any]
    result: Any = None
    error: BaseException | None = None
    done: bool = field(default=False)


# PostgreSQL's deadlock_detected and serialization_failure; SQLite's busy/locked.
_TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})
TRANSIENT_RETRIES = 5


def _transient(exc: DBAPIError) -> bool:
    original = exc.orig
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if code in _TRANSIENT_SQLSTATES:
        return True
    return "database is locked" in str(original) or "database is busy" in str(original)


def _as_domain_error(exc: BaseException) -> BaseException:
    if isinstance(exc, IntegrityError):
        return ConflictError(
            "the change conflicts with data written at the same time; read it again and retry"
        )
    return exc


class Writer:
    """Runs units of work on the write engine, coalescing concurrent ones into one commit."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        max_batch: int = 64,
        concurrency: int = 1,
        on_batch: Callable[[int], None] | None = None,
        clock: Clock = now_ms,
    ) -> None:
        # The time units of work record (created, updated, audit stamps): injectable, so tests
        # can raise incidents at chosen moments instead of sleeping between them.
        self.clock = clock
        self._sessions = sessions
        self._on_batch = on_batch
        self._max_batch = max_batch
        self._concurrency = concurrency
        self._queue: asyncio.Queue[_Job | None] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False

    @property
    def concurrency(self) -> int:
        """How many transactions may be open at once (one writer task each)."""
        return self._concurrency

    @property
    def pending(self) -> int:
        """Units queued that no writer task has taken yet."""
        return self._queue.qsize()

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(self._loop(), name=f"writer-{i}") for i in range(self._concurrency)
        ]

    async def stop(self) -> None:
        """Finish the queued units, then stop."""
        self._closed = True
        for _ in self._tasks:
            await self._queue.put(None)
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    async def run(self, unit: Unit[T]) -> T:
        """Run one unit of work; returns its result once committed, or raises its error."""
        if self._closed or not self._tasks:
            raise WriterClosedError("the writer is not running")
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        await release_request_reads()
        await self._queue.put(_Job(unit=unit, future=future))
        return await future

    async def _loop(self) -> None:
        while True:
            job = await self._queue.get()
            if job is None:
                return
            batch = [job]
            stop_after = False
            while len(batch) < self._max_batch:
                try:
                    nxt = self._queue.get_nowait()
                except asyncio.QueueEmpty:
                    break
                if nxt is None:
                    stop_after = True
                    break
                batch.append(nxt)
            await self._commit(batch)
            if self._on_batch is not None:
                self._on_batch(len(batch))
            if stop_after:
                return

    async def _commit(self, batch: list[_Job]) -> None:
        try:
            await self._run_with_retries(batch)
        except (DBAPIError, OSError) as exc:
            if len(batch) == 1:
                batch[0].error = _as_domain_error(exc)
            else:
                # The shared commit kept failing: retry each alone so one unit's trouble never
                # becomes another request's error.
                log.warning(
                    "group commit of %d units failed (%s); retrying singly", len(batch), exc
                )
                for job in batch:
                    try:
                        await self._run_with_retries([job])
                    except (DBAPIError, OSError) as single_exc:
                        job.error = _as_domain_error(single_exc)
        except Exception as exc:
            log.exception("writer batch failed")
            for job in batch:
                job.error = exc
        for job in batch:
            if job.future.done():  # the caller went away (cancelled request)
                continue
            if job.error is not None:
                job.future.set_exception(job.error)
            else:
                job.future.set_result(job.result)

    async def _run_with_retries(self, batch: list[_Job]) -> None:
        """Run a batch; a deadlock or serialization failure rolls it all back, so rerun it."""
        for attempt in range(TRANSIENT_RETRIES + 1):
            try:
                await self._run_optimistically(batch)
            except DBAPIError as exc:
                if attempt == TRANSIENT_RETRIES or not _transient(exc):
                    raise
                # Jittered backoff, so the transactions that collided do not collide again.
                await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))  # noqa: S311
            else:
                return

    async def _run_optimistically(self, batch: list[_Job]) -> None:
        """Run the units with no SAVEPOINTs; if one fails, rerun the batch with them.

        Most units succeed, and a SAVEPOINT and its RELEASE are two round trips per unit. A
        failed unit leaves the transaction with its partial writes (on PostgreSQL, aborted),
        so the batch is rolled back and run again with a SAVEPOINT per unit: the others still
        commit together and the failed one gets its own error, as if it had run alone.
        """
        for job in batch:
            job.result, job.error = None, None
        async with self._sessions() as session, session.begin() as transaction:
            for job in batch:
                try:
                    job.result = await job.unit(session)
                except IntegrityError as exc:
                    job.error = _as_domain_error(exc)
                    break
                except DBAPIError:
                    raise  # the whole batch's trouble: _run_with_retries decides
                except Exception as exc:  # noqa: BLE001 - handed to the one caller it belongs to
                    job.error = exc
                    break
            else:
                return
            await transaction.rollback()
        if len(batch) > 1:
            await self._run_with_savepoints(batch)

    async def _run_with_savepoints(self, batch: list[_Job]) -> None:
        for job in batch:
            job.result, job.error = None, None
        async with self._sessions() as session, session.begin():
            for job in batch:
                try:
                    async with session.begin_nested():
                        job.result = await job.unit(session)
                except (DomainError, IntegrityError) as exc:
                    job.error = _as_domain_error(exc)
                except DBAPIError:
                    raise
                except Exception as exc:  # noqa: BLE001 - handed to the one caller it belongs to
                    job.error = exc
