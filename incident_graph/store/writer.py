"""Group-commit writer: many requests' units of work in one transaction, each its own result.

A unit is `async def unit(session) -> T`. The rules every unit follows, because the writer
relies on them:

- **No effects outside the session.** A unit may be run again (a deadlock or serialization
  failure reruns its batch) or rolled back after it returned (the commit failed): it sends
  nothing, wakes nothing and changes no shared state; it may *ask* for a signal after the
  commit (`after_commit`), which is raised only once the transaction has committed.
- **Idempotent by its own reads.** A rerun sees the database as it is then and decides again.
- **Checks that depend only on the input run before the unit is queued** (in `domain/`), so
  a refusal that needs no database never takes a place in a batch.

How a batch runs: one unit alone runs bare in its transaction. Several run one after another,
each inside its own SAVEPOINT, so a unit that fails (a refusal, a constraint, bad data) rolls
back only its own statements and its caller gets its own error, while the others commit
together and run exactly once. A deadlock or serialization failure aborts the whole
transaction: the batch is rerun after a jittered pause. A failed connection or commit fails
the batch's callers with UNAVAILABLE: none of their work was committed.

Batched statements: a unit given `batch_keys` (raises and status changes) may have its writes
applied together with its neighbours'. Consecutive such units form a segment, in one SAVEPOINT.
It first reads the incidents its units name (`incidents`), locked, with their assets and
assignees: one statement per table for all of them (`store.batch_reads`), which the units then
read instead of the database. Each unit is *planned* in turn (it runs as usual, reads and
checks included, but the store's write functions hand their rows to `store.batch` instead of
executing them), then the segment's rows are written with one statement per table. A unit
refused while planning gets its error and its rows are dropped; the others are unaffected. The
keys name what a unit reads that another batchable unit may write (an incident's URN): a unit
whose keys meet those of a unit planned before it in the segment starts a new segment, so it
reads what that one wrote. Units without keys run in their own SAVEPOINT between segments, in
queue order. If the segment's writes fail (a constraint, or the database is not as planned),
the segment is rolled back and its units run one by one in SAVEPOINTs, as without batching,
each reading for itself: every caller gets the answer it would have got. A batchable unit
therefore writes nothing while planned except through the store functions that defer (a write
that must read back what it wrote is not batchable).

Supervision: every unit's future is settled whatever the unit raises (a cancellation
included). If a writer task dies all the same, the jobs it held fail with UNAVAILABLE, new
writes fail fast while it is down, and it is restarted; `health` reports it for /ready.
On SQLite the single writer task is also what keeps concurrent requests from ever meeting
"database is locked".
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from incident_graph.domain.clock import Clock, now_ms
from incident_graph.domain.errors import (
    BadUserInputError,
    ConflictError,
    UnavailableError,
)
from incident_graph.store.batch import BatchMismatchError, PendingWrites, planning, planning_into
from incident_graph.store.batch_reads import read_segment
from incident_graph.store.database import release_request_reads
from incident_graph.store.dialect import Failure, dialect_of
from incident_graph.store.outage import unavailable_error

log = logging.getLogger(__name__)

T = TypeVar("T")
Unit = Callable[[AsyncSession], Awaitable[T]]

# session.info key: the signals a committed unit asked for.
_SIGNALS: Final = "incident_graph.after_commit"


# Database errors that are one unit's (its values, a constraint), not the transaction's.
_UNIT_FAILURES: Final = frozenset({Failure.BAD_DATA, Failure.CONFLICT})


class _DatabaseRefusalError(Exception):
    """A planned unit's statement was refused by the database (the cause)."""


class _FallBackError(Exception):
    """The segment cannot be applied together: run its units one by one."""


class WriterClosedError(UnavailableError):
    """The writer is stopping (or not started) and takes no new units."""


def after_commit(session: AsyncSession, signal: str) -> None:
    """Ask the writer to raise `signal` once the unit's transaction commits (never before,
    and not at all if it rolls back)."""
    session.info.setdefault(_SIGNALS, set()).add(signal)


@dataclass(slots=True)
class _Job:
    unit: Unit[Any]
    future: asyncio.Future[Any]
    result: Any = None
    error: BaseException | None = None
    signals: set[str] = field(default_factory=set)
    # What the unit reads that other batchable units write; None: not batchable.
    keys: frozenset[str] | None = None
    # URNs of the incidents it reads, which its segment reads for all its units at once.
    incidents: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WriterHealth:
    """What /ready says of the writer."""

    running: bool
    restarts: int
    last_failure: str | None


TRANSIENT_RETRIES = 5
# Pause before a dead writer task is started again, doubling up to the cap while it keeps dying.
_RESTART_PAUSE_S: Final = 0.05
_RESTART_PAUSE_MAX_S: Final = 2.0


def _unit_error(exc: BaseException, failure: Failure | None = None) -> BaseException:
    """What the caller of a failed unit is told."""
    if failure is Failure.CONFLICT:
        return ConflictError(
            "the change conflicts with data written at the same time; read it again and retry"
        )
    if failure is Failure.BAD_DATA and isinstance(exc, DBAPIError):
        # Input the rules let through and the database refused (a value out of a column's
        # range, say): the request's fault, so say so rather than fail as our bug.
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else "refused"
        return BadUserInputError(f"the database refused a value of this request: {reason}")
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
        self._dialect = dialect_of(sessions.kw["bind"])
        self._on_batch = on_batch
        self._max_batch = max_batch
        self._concurrency = concurrency
        self._queue: asyncio.Queue[_Job | None] = asyncio.Queue()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._held: dict[int, list[_Job]] = {}
        self._listeners: dict[str, list[Callable[[], None]]] = {}
        self._closed = False
        self._started = False
        self._restarts = 0
        self._last_failure: str | None = None

    @property
    def concurrency(self) -> int:
        """How many transactions may be open at once (one writer task each)."""
        return self._concurrency

    @property
    def pending(self) -> int:
        """Units queued that no writer task has taken yet."""
        return self._queue.qsize()

    @property
    def health(self) -> WriterHealth:
        running = (
            self._started
            and not self._closed
            and len(self._tasks) == self._concurrency
            and all(not t.done() for t in self._tasks.values())
        )
        return WriterHealth(running, self._restarts, self._last_failure)

    def on_signal(self, signal: str, callback: Callable[[], None]) -> None:
        """Call `callback` after each commit of a unit that asked for `signal`."""
        self._listeners.setdefault(signal, []).append(callback)

    async def start(self) -> None:
        self._closed = False
        self._started = True
        for slot in range(self._concurrency):
            self._spawn(slot)

    async def stop(self) -> None:
        """Finish the queued units, then stop."""
        self._closed = True
        for _ in self._tasks:
            await self._queue.put(None)
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        self._tasks = {}
        self._started = False

    async def run(
        self,
        unit: Unit[T],
        *,
        batch_keys: Collection[str] | None = None,
        incidents: Collection[str] = (),
    ) -> T:
        """Run one unit of work; returns its result once committed, or raises its error.

        `batch_keys`: the unit's writes may be batched with other units' (see the module's
        docstring); the keys name what it reads that such units write. `incidents`: with
        `batch_keys`, the URNs of the incidents the unit locks or looks up (among its keys, so
        no two units of a segment name one), which a batched segment reads (locked) with their
        assets and assignees for all its units at once."""
        if self._closed or not self._started:
            raise WriterClosedError("the server is stopping: nothing was written; retry shortly")
        if not self.health.running:
            raise UnavailableError(
                "the server's writer is restarting after a failure; nothing was written, retry "
                "shortly"
            )
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        await release_request_reads()
        keys = None if batch_keys is None else frozenset(batch_keys)
        await self._queue.put(_Job(unit=unit, future=future, keys=keys, incidents=tuple(incidents)))
        return await future

    def _spawn(self, slot: int) -> None:
        task = asyncio.create_task(self._loop(slot), name=f"writer-{slot}")
        self._tasks[slot] = task
        task.add_done_callback(lambda t: self._on_task_done(slot, t))

    def _on_task_done(self, slot: int, task: asyncio.Task[None]) -> None:
        """A writer task ended: fine when stopping; otherwise fail what it held and restart."""
        held = self._held.pop(slot, [])
        if task.cancelled():
            reason: BaseException = asyncio.CancelledError("the writer task was cancelled")
        else:
            reason = task.exception() or RuntimeError("the writer task returned")
        if self._closed and not held:
            return
        self._last_failure = f"{type(reason).__name__}: {reason}"
        log.error("writer task %d ended unexpectedly (%s)", slot, self._last_failure)
        failure = unavailable_error(reason)
        for job in held:
            _settle(job, failure)
        if not any(not t.done() for t in self._tasks.values()):
            # No writer is left to take the queued units: fail them now rather than let their
            # callers wait for the restart.
            while not self._queue.empty():
                queued = self._queue.get_nowait()
                if queued is not None:
                    _settle(queued, failure)
        if self._closed:
            return
        self._restarts += 1
        pause = min(_RESTART_PAUSE_MAX_S, _RESTART_PAUSE_S * 2 ** min(self._restarts, 8))
        loop = asyncio.get_running_loop()
        loop.call_later(pause, self._restart, slot)

    def _restart(self, slot: int) -> None:
        if not self._closed and (slot not in self._tasks or self._tasks[slot].done()):
            self._spawn(slot)

    async def _loop(self, slot: int) -> None:
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
            self._held[slot] = batch
            await self._commit(batch)
            self._held.pop(slot, None)
            self._after(batch)
            if stop_after:
                return

    async def _commit(self, batch: list[_Job]) -> None:
        try:
            await self._run_with_retries(batch)
        except DBAPIError as exc:
            if len(batch) > 1 and self._dialect.failure(exc) is Failure.TRANSIENT:
                # Large batches of several writer tasks kept colliding (each locks many rows):
                # run the units one by one, each with its own retries, rather than fail them.
                log.warning("batch of %d units kept deadlocking; running them singly", len(batch))
                for job in batch:
                    await self._commit([job])
                return
            _fail(batch, exc)
        except asyncio.CancelledError as exc:
            if _cancelling():
                raise  # the writer task itself is being cancelled: _on_task_done fails the batch
            _fail(batch, exc)
        except Exception as exc:  # noqa: BLE001 - every caller of the batch must hear of it
            _fail(batch, exc)
        for job in batch:
            _settle(job, job.error)

    def _after(self, batch: list[_Job]) -> None:
        """After the batch is settled: the batch-size callback and the committed signals."""
        if self._on_batch is not None:
            try:
                self._on_batch(len(batch))
            except Exception:  # a metrics hook must never stop the writer
                log.exception("writer batch callback failed")
        raised = {s for job in batch if job.error is None for s in job.signals}
        for signal in sorted(raised):
            for callback in self._listeners.get(signal, []):
                try:
                    callback()
                except Exception:
                    log.exception("after-commit listener for %s failed", signal)

    async def _run_with_retries(self, batch: list[_Job]) -> None:
        """Run a batch; a deadlock or serialization failure rolls it all back, so rerun it.
        (SQLite's "database is locked" is not transient: it comes after busy_timeout has
        already waited, and is answered UNAVAILABLE.)"""
        for attempt in range(TRANSIENT_RETRIES + 1):
            try:
                await self._run_once(batch)
            except DBAPIError as exc:
                transient = self._dialect.failure(exc) is Failure.TRANSIENT
                if attempt == TRANSIENT_RETRIES or not transient:
                    raise
                # Jittered backoff, so the transactions that collided do not collide again.
                await asyncio.sleep(random.uniform(0, 0.002 * 2**attempt))  # noqa: S311
            else:
                return

    async def _run_once(self, batch: list[_Job]) -> None:
        for job in batch:
            job.result, job.error, job.signals = None, None, set()
        async with self._sessions() as session, session.begin() as transaction:
            if len(batch) > 1:
                await self._run_group(session, batch)
                return
            # One unit alone: its failure rolls back the transaction, which is only its own.
            job = batch[0]
            job.error = await self._attempt(session, job)
            if job.error is not None:
                await transaction.rollback()
                return
            job.signals = session.info.pop(_SIGNALS, set())

    async def _run_group(self, session: AsyncSession, batch: list[_Job]) -> None:
        """Several units in queue order: batchable neighbours in segments, the rest alone."""
        segment: list[_Job] = []
        keys: set[str] = set()
        for job in batch:
            if job.keys is None or not keys.isdisjoint(job.keys):
                await self._run_segment(session, segment)
                segment, keys = [], set()
            if job.keys is None:
                await self._run_in_savepoint(session, job)
                continue
            segment.append(job)
            keys |= job.keys
        await self._run_segment(session, segment)

    async def _run_segment(self, session: AsyncSession, segment: list[_Job]) -> None:
        """Plan each unit, then write all their rows together; one by one if that fails."""
        if len(segment) < 2:
            for job in segment:
                await self._run_in_savepoint(session, job)
            return
        savepoint = await session.begin_nested()
        try:
            urns = {urn for job in segment for urn in job.incidents}
            pending = PendingWrites(await read_segment(session, urns=urns))
            for job in segment:
                await self._plan(session, job, pending)
            await pending.apply(session)
        except (_FallBackError, BatchMismatchError, DBAPIError) as exc:
            if isinstance(exc, DBAPIError) and self._dialect.failure(exc) not in _UNIT_FAILURES:
                raise  # the transaction's trouble (deadlock, lost connection), not the rows'
            log.info("batched writes of %d units fell back to one by one: %s", len(segment), exc)
            await savepoint.rollback()
            for job in segment:
                await self._run_in_savepoint(session, job)
            return
        await savepoint.commit()

    async def _plan(self, session: AsyncSession, job: _Job, pending: PendingWrites) -> None:
        """Run a batchable unit with its writes planned into `pending`; a refusal drops them."""
        mark = pending.mark()
        with planning_into(session, pending):
            try:
                job.error = await self._attempt(session, job)
            except _DatabaseRefusalError as exc:
                # Its own savepoint would have answered it; here the segment's transaction may
                # be aborted (PostgreSQL), so the segment runs unit by unit.
                raise _FallBackError(str(exc.__cause__)) from exc
        if job.error is not None:
            pending.discard(mark)
            session.info.pop(_SIGNALS, None)
            return
        job.signals = session.info.pop(_SIGNALS, set())

    async def _run_in_savepoint(self, session: AsyncSession, job: _Job) -> None:
        savepoint = await session.begin_nested()
        job.error = await self._attempt(session, job)
        if job.error is not None:
            session.info.pop(_SIGNALS, None)
            await savepoint.rollback()
            return
        await savepoint.commit()
        job.signals = session.info.pop(_SIGNALS, set())

    async def _attempt(self, session: AsyncSession, job: _Job) -> BaseException | None:
        """Run the unit; the error its caller gets, or None. Trouble of the whole transaction
        (deadlock, lost connection) and the writer's own cancellation propagate."""
        try:
            job.result = await job.unit(session)
        except DBAPIError as exc:
            failure = self._dialect.failure(exc)
            if failure not in _UNIT_FAILURES:
                raise
            if planning(session) is not None:
                raise _DatabaseRefusalError from exc
            return _unit_error(exc, failure)
        except OSError:
            # A connection refused or timed out (asyncpg raises those bare): the transaction's
            # trouble, like a lost connection, not this unit's refusal.
            raise
        except (Exception, asyncio.CancelledError) as exc:
            if isinstance(exc, asyncio.CancelledError) and _cancelling():
                raise
            return _unit_error(exc)
        return None


def _fail(batch: list[_Job], exc: BaseException) -> None:
    """The whole batch failed before or at its commit: nothing of it was committed."""
    if isinstance(exc, DBAPIError | OSError | PoolTimeoutError | asyncio.CancelledError):
        # The connection, BEGIN or COMMIT failed (or kept failing), or no pooled connection
        # was free in time.
        log.warning("writer batch of %d units failed: %s", len(batch), exc)
        error: BaseException = unavailable_error(exc)
    else:
        log.error("writer batch failed", exc_info=exc)
        error = exc
    for job in batch:
        job.error = error


def _cancelling() -> bool:
    """Whether the running task is being cancelled (as opposed to a unit raising
    CancelledError of its own accord)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def _settle(job: _Job, error: BaseException | None) -> None:
    if job.future.done():  # the caller went away (cancelled request)
        return
    if error is not None:
        job.future.set_exception(error)
    else:
        job.future.set_result(job.result)


__all__ = ["Unit", "Writer", "WriterClosedError", "WriterHealth", "after_commit"]
