"""Per-request DataLoaders for assets: by URN or id, catalog facts, lineage, health, incidents."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from strawberry.dataloader import DataLoader

from incident_graph.domain.assets import OwnerSpec
from incident_graph.store import Database
from incident_graph.store import assets as asset_store
from incident_graph.store import catalog as catalog_store
from incident_graph.store import health as health_store
from incident_graph.store import incidents as incident_store
from incident_graph.store import lineage as lineage_store
from incident_graph.store.health import HealthInputs
from incident_graph.store.incidents import PageFilter
from incident_graph.store.lineage import Reached
from incident_graph.store.tables import Asset, Incident


@dataclass(frozen=True, slots=True)
class PageKey:
    asset_id: int
    flt: PageFilter
    start: int
    count: int


@dataclass(frozen=True, slots=True)
class LineageKey:
    asset_id: int
    depth: int
    upstream: bool


@dataclass(frozen=True, slots=True)
class IncidentPage:
    total: int
    incidents: list[Incident]


class AssetLoaders:
    def __init__(self, db: Database, *, lineage_depth: int) -> None:
        self._db = db
        self.lineage_depth = lineage_depth

    @cached_property
    def by_urn(self) -> DataLoader[str, Asset | None]:
        return DataLoader(self._by_urn)

    @cached_property
    def by_id(self) -> DataLoader[int, Asset | None]:
        return DataLoader(self._by_id)

    @cached_property
    def owners(self) -> DataLoader[int, list[OwnerSpec]]:
        return DataLoader(self._owners)

    @cached_property
    def tags(self) -> DataLoader[int, list[str]]:
        return DataLoader(self._tags)

    @cached_property
    def lineage(self) -> DataLoader[LineageKey, list[Reached]]:
        return DataLoader(self._lineage)

    @cached_property
    def health(self) -> DataLoader[int, HealthInputs]:
        return DataLoader(self._health)

    @cached_property
    def incident_page(self) -> DataLoader[PageKey, IncidentPage]:
        return DataLoader(self._incident_pages)

    async def _by_urn(self, keys: Sequence[str]) -> list[Asset | None]:
        async with self._db.reading() as session:
            rows = await asset_store.get_assets_by_urns(session, urns=keys)
        by_urn = {row.urn: row for row in rows}
        return [by_urn.get(k) for k in keys]

    async def _by_id(self, keys: Sequence[int]) -> list[Asset | None]:
        async with self._db.reading() as session:
            rows = await asset_store.get_assets_by_ids(session, ids=keys)
        by_id = {row.id: row for row in rows}
        return [by_id.get(k) for k in keys]

    async def _owners(self, keys: Sequence[int]) -> list[list[OwnerSpec]]:
        async with self._db.reading() as session:
            found = await catalog_store.owners_by_asset(session, asset_ids=keys)
        return [found.get(k, []) for k in keys]

    async def _tags(self, keys: Sequence[int]) -> list[list[str]]:
        async with self._db.reading() as session:
            found = await catalog_store.tags_by_asset(session, asset_ids=keys)
        return [found.get(k, []) for k in keys]

    async def _lineage(self, keys: Sequence[LineageKey]) -> list[list[Reached]]:
        groups: dict[tuple[int, bool], list[int]] = defaultdict(list)
        for key in keys:
            groups[(key.depth, key.upstream)].append(key.asset_id)
        found: dict[tuple[int, bool], dict[int, list[Reached]]] = {}
        async with self._db.reading() as session:
            for (depth, upstream), ids in groups.items():
                found[(depth, upstream)] = await lineage_store.walk(
                    session, start_ids=ids, depth=depth, upstream=upstream
                )
        return [found[(k.depth, k.upstream)][k.asset_id] for k in keys]

    async def _health(self, keys: Sequence[int]) -> list[HealthInputs]:
        async with self._db.reading() as session:
            found = await health_store.health_inputs(
                session, asset_ids=keys, depth=self.lineage_depth
            )
        return [found[k] for k in keys]

    async def _incident_pages(self, keys: Sequence[PageKey]) -> list[IncidentPage]:
        groups: dict[tuple[PageFilter, int, int], list[int]] = defaultdict(list)
        for key in keys:
            groups[(key.flt, key.start, key.count)].append(key.asset_id)
        pages: dict[tuple[PageFilter, int, int], dict[int, tuple[int, list[Incident]]]] = {}
        async with self._db.reading() as session:
            for (flt, start, count), asset_ids in groups.items():
                pages[(flt, start, count)] = await incident_store.incident_pages(
                    session, asset_ids=asset_ids, flt=flt, start=start, count=count
                )
        out: list[IncidentPage] = []
        for key in keys:
            total, incidents = pages[(key.flt, key.start, key.count)][key.asset_id]
            out.append(IncidentPage(total=total, incidents=incidents))
        return out
