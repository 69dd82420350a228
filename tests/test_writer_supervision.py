"""The writer cannot stall: failing units cost only themselves, and a dead writer task heals."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.config import Settings
from incident_graph.domain.errors import BadUserInputError, ConflictError, UnavailableError
from incident_graph.store import Database, Writer, connect
from incident_graph.store.migrate import upgrade
from incident_graph.store.tables import User
from incident_graph.store.writer import after_commit

Unit = Callable[[AsyncSession], Awaitable[str]]


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = connect(settings)
    await upgrade(database.write_engine)
    yield database
    await database.dispose()


async def _names(db: Database) -> set[str]:
    async with db.reading() as session:
        return set(await session.scalars(select(User.name)))


def _adder(name: str, runs: Counter[str], *, fail: BaseException | None = None) -> Unit:
    async def unit(session: AsyncSession) -> str:
        runs[name] += 1
        await session.execute(insert(User).values(name=name, role="viewer", created_ms=1))
        if fail is not None:
            raise fail
        return name

    return unit


async def _gathered(writer: Writer, units: list[Unit]) -> list[object]:
    """Queue every unit before the writer task runs, so they share one batch."""
    return await asyncio.gather(*(writer.run(u) for u in units), return_exceptions=True)


async def test_a_failing_unit_costs_only_itself(db: Database) -> None:
    batches: list[int] = []
    writer = Writer(db.write_sessions, on_batch=batches.append)
    await writer.start()
    runs: Counter[str] = Counter()
    try:
        results = await _gathered(
            writer,
            [
                _adder(f"u{i}", runs, fail=ConflictError("refused") if i == 17 else None)
                for i in range(40)
            ],
        )
    finally:
        await writer.stop()
    assert batches == [40]
    assert isinstance(results[17], ConflictError)
    assert [r for r in results if isinstance(r, str)] == [f"u{i}" for i in range(40) if i != 17]
    # Every unit ran exactly once: the refusal did not rerun the 39 good ones.
    assert set(runs.values()) == {1}
    assert await _names(db) == {f"u{i}" for i in range(40) if i != 17}


async def test_exceptions_cancellations_and_bad_data_fail_their_unit_alone(db: Database) -> None:
    writer = Writer(db.write_sessions)
    await writer.start()
    runs: Counter[str] = Counter()

    async def cancelled(session: AsyncSession) -> str:
        runs["cancelled"] += 1
        await session.execute(insert(User).values(name="c", role="viewer", created_ms=1))
        raise asyncio.CancelledError

    async def duplicate(session: AsyncSession) -> str:
        runs["duplicate"] += 1
        await session.execute(insert(User).values(name="a", role="viewer", created_ms=1))
        return "never"

    async def refused_after_read(session: AsyncSession) -> str:
        runs["refused"] += 1
        await session.execute(select(func.count()).select_from(User))
        raise BadUserInputError("refused by a rule that needed the database")

    try:
        results = await _gathered(
            writer,
            [
                _adder("a", runs),
                cancelled,
                _adder("b", runs, fail=RuntimeError("a bug in one unit")),
                duplicate,
                refused_after_read,
                _adder("d", runs),
            ],
        )
        later = await writer.run(_adder("after", runs))
    finally:
        await writer.stop()
    assert results[0] == "a"
    assert isinstance(results[1], asyncio.CancelledError)
    assert isinstance(results[2], RuntimeError)
    assert isinstance(results[3], ConflictError)
    assert isinstance(results[4], BadUserInputError)
    assert results[5] == "d"
    assert later == "after"
    assert set(runs.values()) == {1}
    assert await _names(db) == {"a", "d", "after"}


async def test_a_failing_batch_callback_does_not_stop_the_writer(db: Database) -> None:
    calls = 0

    def broken(_size: int) -> None:
        nonlocal calls
        calls += 1
        raise RuntimeError("metrics hook broke")

    writer = Writer(db.write_sessions, on_batch=broken)
    await writer.start()
    runs: Counter[str] = Counter()
    try:
        assert await writer.run(_adder("first", runs)) == "first"
        assert await writer.run(_adder("second", runs)) == "second"
        assert writer.health.running
    finally:
        await writer.stop()
    assert calls == 2
    assert await _names(db) == {"first", "second"}


async def test_signals_follow_commits_only(db: Database) -> None:
    writer = Writer(db.write_sessions)
    heard: list[str] = []
    writer.on_signal("done", lambda: heard.append("done"))
    await writer.start()
    runs: Counter[str] = Counter()

    def signalling(name: str, fail: bool) -> Unit:
        async def unit(session: AsyncSession) -> str:
            after_commit(session, "done")
            return await _adder(name, runs, fail=ConflictError("no") if fail else None)(session)

        return unit

    try:
        await _gathered(writer, [signalling("x", fail=True)])
        assert heard == []  # rolled back: no signal
        await _gathered(writer, [signalling("y", fail=False), signalling("z", fail=True)])
    finally:
        await writer.stop()
    assert heard == ["done"]


async def test_a_dead_writer_task_fails_fast_then_restarts(db: Database) -> None:
    """Kill the writer task from outside while it holds a unit: that caller and any queued ones
    get UNAVAILABLE at once, new writes are refused while it is down, and it comes back."""
    writer = Writer(db.write_sessions)
    await writer.start()
    runs: Counter[str] = Counter()
    entered = asyncio.Event()
    forever = asyncio.Event()

    async def stuck(session: AsyncSession) -> str:
        entered.set()
        await session.execute(insert(User).values(name="stuck", role="viewer", created_ms=1))
        await forever.wait()
        return "never"

    try:
        held = asyncio.create_task(writer.run(stuck))
        await entered.wait()
        queued = asyncio.create_task(writer.run(_adder("queued", runs)))
        await asyncio.sleep(0)
        [task] = writer._tasks.values()
        task.cancel()
        with pytest.raises(UnavailableError):
            await held
        with pytest.raises(UnavailableError):
            await queued
        assert not writer.health.running
        with pytest.raises(UnavailableError):
            await writer.run(_adder("while-down", runs))
        for _ in range(200):  # the restart is scheduled within a fraction of a second
            if writer.health.running:
                break
            await asyncio.sleep(0.01)
        assert writer.health.running
        assert writer.health.restarts == 1
        assert await writer.run(_adder("healed", runs)) == "healed"
    finally:
        await writer.stop()
    assert await _names(db) == {"healed"}
    async with db.reading() as session:
        assert (await session.execute(select(func.count()).select_from(User))).scalar_one() == 1


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_data_the_database_refuses_is_bad_input_not_internal(db: Database) -> None:
    """PostgreSQL enforces VARCHAR lengths (SQLite does not): a value that got past the rules
    and is refused by the database is the request's fault, alone in its batch or not."""
    writer = Writer(db.write_sessions)
    await writer.start()
    runs: Counter[str] = Counter()
    try:
        alone = await _gathered(writer, [_adder("x" * 201, runs)])
        grouped = await _gathered(writer, [_adder("ok", runs), _adder("y" * 201, runs)])
    finally:
        await writer.stop()
    assert isinstance(alone[0], BadUserInputError)
    assert grouped[0] == "ok"
    assert isinstance(grouped[1], BadUserInputError)
    assert await _names(db) == {"ok"}
