"""A request's reads share one pooled connection, without ever starving the pool."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from contextvars import ContextVar
from typing import Any

from helpers import DATASET, Api
from sqlalchemy import event

COUNTING: ContextVar[bool] = ContextVar("counting_checkouts", default=False)

# Health and the incident page are separate DataLoaders dispatched in the same tick: two
# reading units run at once, so one of them needs a connection of its own.
PAGE = """query($u: String!) { dataset(urn: $u) {
  health { status } incidents(count: 5) { total incidents { urn title } }
} }"""


async def _checkouts(api: Api, query: str, variables: dict[str, Any]) -> int:
    assert api.app is not None
    pool = api.app.state.db.read_engine.pool
    seen: list[int] = []

    def count(*_: Any) -> None:
        if COUNTING.get():
            seen.append(1)

    event.listen(pool, "checkout", count)
    token = COUNTING.set(True)
    try:
        await api.gql(query, variables)
    finally:
        COUNTING.reset(token)
        event.remove(pool, "checkout", count)
    return len(seen)


async def test_token_check_and_sequential_reads_take_one_connection(
    api_with: Callable[..., AbstractAsyncContextManager[Api]],
) -> None:
    # The resolvers' path: compiled reads would answer these in one statement.
    async with api_with(compiled_reads=False) as api:
        await api.raise_incident()
        # The token check, the asset and the page: three reading units, one checkout.
        query = "query($u: String!) { dataset(urn: $u) { incidents { total incidents { urn } } } }"
        assert await _checkouts(api, query, {"u": DATASET}) == 1
        # Two units at once: the second gets its own connection rather than sharing a session.
        assert await _checkouts(api, PAGE, {"u": DATASET}) == 2


async def test_a_compiled_read_shares_the_token_checks_connection(api: Api) -> None:
    await api.raise_incident()
    # Twice: the first through strawberry's pipeline, the second straight from the view.
    for _ in range(2):
        assert await _checkouts(api, PAGE, {"u": DATASET}) == 1


async def test_a_tiny_pool_under_many_concurrent_reads_and_writes_never_stalls(
    api_with: Callable[..., AbstractAsyncContextManager[Api]],
) -> None:
    # PostgreSQL: 2 + 2 connections for 60 requests and the writer. (SQLite's read pool is
    # fixed at 8 and its writer has its own connection.) Requests that held their connection
    # while waiting for the writer, or while their other unit waited for the pool, would
    # exhaust it and time out after 30 s; here everything finishes promptly.
    async with api_with(db_pool_size=2) as api:
        await api.raise_incident()
        assets = [f"urn:li:dataset:(urn:li:dataPlatform:hive,pool.t{n},PROD)" for n in range(6)]

        async def one(n: int) -> None:
            if n % 3 == 0:
                await api.raise_incident(resourceUrn=assets[n % len(assets)], title=f"t{n}")
            else:
                data = await api.gql(PAGE, {"u": assets[n % len(assets)]})
                assert "dataset" in data

        await asyncio.wait_for(asyncio.gather(*(one(n) for n in range(60))), timeout=25)
        counts = await asyncio.gather(*(api.gql(PAGE, {"u": a}) for a in assets if a is not None))
        raised = sum(c["dataset"]["incidents"]["total"] for c in counts if c["dataset"])
        assert raised == 20
