"""The group-commit writer: shared commits, per-unit results and errors, nothing half-done."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.config import Settings
from incident_graph.domain.errors import ConflictError, NotFoundError
from incident_graph.store import Writer, WriterClosedError, connect
from incident_graph.store.migrate import upgrade
from incident_graph.store.tables import User


async def test_concurrent_units_share_commits_but_not_failures(settings: Settings) -> None:
    db = connect(settings)
    await upgrade(db.write_engine)
    batches: list[int] = []
    writer = Writer(db.write_sessions, max_batch=64, on_batch=batches.append)
    await writer.start()
    try:

        def add(name: str, fail: bool) -> object:
            async def unit(session: AsyncSession) -> str:
                await session.execute(insert(User).values(name=name, role="viewer", created_ms=1))
                if fail:
                    raise NotFoundError(f"refused {name}")
                return name

            return unit

        results = await asyncio.gather(
            *(writer.run(add(f"user{i}", fail=i % 5 == 0)) for i in range(40)),  # type: ignore[arg-type]
            return_exceptions=True,
        )
        # A duplicate name breaks the unique constraint: that caller alone gets CONFLICT.
        duplicate = await asyncio.gather(
            writer.run(add("user1", fail=False)), return_exceptions=True
        )  # type: ignore[arg-type]
    finally:
        await writer.stop()
    failed = [r for r in results if isinstance(r, NotFoundError)]
    assert len(failed) == 8
    assert [r for r in results if isinstance(r, str)] == [f"user{i}" for i in range(40) if i % 5]
    assert isinstance(duplicate[0], ConflictError)
    assert max(batches) > 1  # concurrent units really were grouped
    async with db.reading() as session:
        names = set(await session.scalars(select(User.name)))
        assert names == {f"user{i}" for i in range(40) if i % 5}
        assert (await session.execute(select(func.count()).select_from(User))).scalar_one() == 32
    await db.dispose()


async def test_stopped_writer_refuses_work(settings: Settings) -> None:
    db = connect(settings)
    writer = Writer(db.write_sessions)

    async def unit(_: AsyncSession) -> None:
        return None

    with pytest.raises(WriterClosedError):
        await writer.run(unit)
    await db.dispose()


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_deadlock_victims_are_retried_not_failed(settings: Settings) -> None:
    """PostgreSQL aborts a deadlock victim (40P01); the writer reruns the batch instead of failing it.

    SQLite has one writer and waits on busy_timeout instead, so it has no deadlock victims.
    """
    from sqlalchemy import text

    db = connect(settings)
    await upgrade(db.write_engine)
    writer = Writer(db.write_sessions)
    await writer.start()
    attempts = 0

    async def unlucky(session: AsyncSession) -> str:
        nonlocal attempts
        attempts += 1
        if attempts < 3:
            await session.execute(
                text("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40P01'; END $$")
            )
        await session.execute(insert(User).values(name="survivor", role="viewer", created_ms=1))
        return "ok"

    try:
        assert await writer.run(unlucky) == "ok"
    finally:
        await writer.stop()
    assert attempts == 3
    async with db.reading() as session:
        assert list(await session.scalars(select(User.name))) == ["survivor"]
    await db.dispose()
