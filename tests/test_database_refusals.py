"""What a database refusal that still reaches the writer answers: the request's fault
(BAD_USER_INPUT) for data the database cannot take, CONFLICT for a constraint, never INTERNAL.

The input rules stop these before the database (test_input_limits.py); this is the net under
them, shown with PostgreSQL's real errors by SQLSTATE.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.config import Settings
from incident_graph.domain.errors import BadUserInputError, ConflictError
from incident_graph.store import Database, Writer, connect
from incident_graph.store.migrate import upgrade
from incident_graph.store.tables import User

Unit = Callable[[AsyncSession], Awaitable[None]]


@pytest.fixture
async def writer(settings: Settings) -> AsyncIterator[tuple[Database, Writer]]:
    database = connect(settings)
    await upgrade(database.write_engine)
    writer = Writer(database.write_sessions)
    await writer.start()
    yield database, writer
    await writer.stop()
    await database.dispose()


def _user(name: str, created_ms: int = 1) -> Unit:
    async def unit(session: AsyncSession) -> None:
        await session.execute(insert(User).values(name=name, role="viewer", created_ms=created_ms))

    return unit


def _statement(sql: str) -> Unit:
    async def unit(session: AsyncSession) -> None:
        await session.execute(text(sql))

    return unit


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
@pytest.mark.parametrize(
    ("sqlstate", "unit"),
    [
        ("22001 string_data_right_truncation", _user("x" * 201)),
        ("22021 character_not_in_repertoire", _user("nul\x00")),
        ("22003 numeric_value_out_of_range", _statement("SELECT 2147483647 + 1")),
        ("22P02 invalid_text_representation", _statement("SELECT 'abc'::integer")),
        ("22008 datetime_field_overflow", _statement("SELECT '2020-13-01'::date")),
        ("64-bit overflow in a bound value", _user("big", created_ms=2**63)),
    ],
)
async def test_data_postgresql_refuses_is_bad_user_input(
    writer: tuple[Database, Writer], sqlstate: str, unit: Unit
) -> None:
    db, run = writer
    with pytest.raises(BadUserInputError):
        await run.run(unit)
    await run.run(_user("after"))
    async with db.reading() as session:
        assert set(await session.scalars(select(User.name))) == {"after"}, sqlstate


async def test_a_unique_violation_is_conflict(writer: tuple[Database, Writer]) -> None:
    db, run = writer
    await run.run(_user("taken"))
    with pytest.raises(ConflictError):
        await run.run(_user("taken"))
    async with db.reading() as session:
        assert list(await session.scalars(select(User.name))) == ["taken"]
