"""Per-request DataLoaders for checks: by URN, an asset's checks, an incident's results."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from strawberry.dataloader import DataLoader

from incident_graph.store import Database
from incident_graph.store import checks as check_store
from incident_graph.store.checks import ResultPage
from incident_graph.store.tables import Check, CheckResult


@dataclass(frozen=True, slots=True)
class ResultsKey:
    """A page of one incident's results (incident_id) or one check's (check_id)."""

    owner_id: int
    start: int
    count: int


@dataclass(frozen=True, slots=True)
class RunsKey:
    """A check's runs within [start_ms, end_ms], at most `limit`, newest first."""

    check_id: int
    start_ms: int | None
    end_ms: int | None
    limit: int


@dataclass(frozen=True, slots=True)
class CheckWithLatest:
    check: Check
    latest: CheckResult | None


class CheckLoaders:
    def __init__(self, db: Database) -> None:
        self._db = db

    @cached_property
    def by_urn(self) -> DataLoader[str, Check | None]:
        return DataLoader(self._by_urn)

    @cached_property
    def of_asset(self) -> DataLoader[int, list[CheckWithLatest]]:
        """An asset's checks by name, each with its latest result."""
        return DataLoader(self._of_asset)

    @cached_property
    def incident_results(self) -> DataLoader[ResultsKey, ResultPage]:
        """A page of an incident's linked results, newest first."""
        return DataLoader(self._incident_results)

    @cached_property
    def latest(self) -> DataLoader[int, CheckResult | None]:
        """A check's latest result, by the check's id."""
        return DataLoader(self._latest)

    @cached_property
    def runs(self) -> DataLoader[RunsKey, list[CheckResult]]:
        return DataLoader(self._runs)

    async def _runs(self, keys: Sequence[RunsKey]) -> list[list[CheckResult]]:
        # One statement per distinct window (a page of assertions asks the same of each).
        windows: dict[tuple[int | None, int | None, int], list[int]] = defaultdict(list)
        for key in keys:
            windows[(key.start_ms, key.end_ms, key.limit)].append(key.check_id)
        found: dict[RunsKey, list[CheckResult]] = {}
        async with self._db.reading() as session:
            for (start_ms, end_ms, limit), ids in windows.items():
                rows = await check_store.results_of_checks(
                    session, check_ids=ids, start_ms=start_ms, end_ms=end_ms, limit=limit
                )
                for check_id in ids:
                    found[RunsKey(check_id, start_ms, end_ms, limit)] = rows.get(check_id, [])
        return [found[k] for k in keys]

    async def _by_urn(self, keys: Sequence[str]) -> list[Check | None]:
        async with self._db.reading() as session:
            rows = await check_store.get_checks_by_urns(session, urns=keys)
        found = {row.urn: row for row in rows}
        return [found.get(k) for k in keys]

    async def _of_asset(self, keys: Sequence[int]) -> list[list[CheckWithLatest]]:
        async with self._db.reading() as session:
            found = await check_store.checks_of_assets(session, asset_ids=keys)
        return [[CheckWithLatest(c, r) for c, r in found.get(k, [])] for k in keys]

    async def _incident_results(self, keys: Sequence[ResultsKey]) -> list[ResultPage]:
        # One statement per distinct window (usually one: the same field on many incidents).
        windows: dict[tuple[int, int], list[int]] = defaultdict(list)
        for key in keys:
            windows[(key.start, key.count)].append(key.owner_id)
        pages: dict[ResultsKey, ResultPage] = {}
        async with self._db.reading() as session:
            for (start, count), ids in windows.items():
                found = await check_store.incident_result_pages(
                    session, incident_ids=ids, start=start, count=count
                )
                for incident_id, result_page in found.items():
                    pages[ResultsKey(incident_id, start, count)] = result_page
        return [pages[k] for k in keys]

    async def _latest(self, keys: Sequence[int]) -> list[CheckResult | None]:
        async with self._db.reading() as session:
            found = await check_store.results_of_checks(session, check_ids=keys, limit=1)
        return [next(iter(found.get(k, [])), None) for k in keys]
