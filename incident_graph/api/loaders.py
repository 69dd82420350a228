"""Per-request DataLoaders: every read batches by key, each batch in its own read session."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from strawberry.dataloader import DataLoader

from incident_graph.domain.health import ActiveIncidents
from incident_graph.store import Database
from incident_graph.store import assets as asset_store
from incident_graph.store import incidents as incident_store
from incident_graph.store.incidents import PageFilter
from incident_graph.store.tables import Asset, Incident


@dataclass(frozen=True, slots=True)
class PageKey:
    asset_id: int
    flt: PageFilter
    start: int
    count: int


@dataclass(frozen=True, slots=True)
class IncidentPage:
    total: int
    incidents: list[Incident]


class Loaders:
    """DataLoaders for one request; never shared between requests."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.incident_by_urn = DataLoader[str, Incident | None](self._incidents_by_urn)
        self.asset_by_urn = DataLoader[str, Asset | None](self._assets_by_urn)
        self.assets_of_incident = DataLoader[int, list[Asset]](self._assets_of_incidents)
        self.assignees_of_incident = DataLoader[int, list[str]](self._assignees_of_incidents)
        self.active_incidents = DataLoader[int, ActiveIncidents](self._active_incidents)
        self.incident_page = DataLoader[PageKey, IncidentPage](self._incident_pages)

    async def _incidents_by_urn(self, keys: Sequence[str]) -> list[Incident | None]:
        async with self._db.reading() as session:
            rows = await incident_store.get_incidents_by_urns(session, urns=keys)
        by_urn = {row.urn: row for row in rows}
        return [by_urn.get(k) for k in keys]

    async def _assets_by_urn(self, keys: Sequence[str]) -> list[Asset | None]:
        async with self._db.reading() as session:
            rows = await asset_store.get_assets_by_urns(session, urns=keys)
        by_urn = {row.urn: row for row in rows}
        return [by_urn.get(k) for k in keys]

    async def _assets_of_incidents(self, keys: Sequence[int]) -> list[list[Asset]]:
        async with self._db.reading() as session:
            found = await incident_store.assets_by_incident(session, incident_ids=keys)
        return [found.get(k, []) for k in keys]

    async def _assignees_of_incidents(self, keys: Sequence[int]) -> list[list[str]]:
        async with self._db.reading() as session:
            found = await incident_store.assignees_by_incident(session, incident_ids=keys)
        return [found.get(k, []) for k in keys]

    async def _active_incidents(self, keys: Sequence[int]) -> list[ActiveIncidents]:
        async with self._db.reading() as session:
            found = await incident_store.active_by_asset(session, asset_ids=keys)
        return [found[k] for k in keys]

    async def _incident_pages(self, keys: Sequence[PageKey]) -> list[IncidentPage]:
        groups: dict[tuple[PageFilter, int, int], list[int]] = defaultdict(list)
        for key in keys:
            groups[(key.flt, key.start, key.count)].append(key.asset_id)
        async with self._db.reading() as session:
            pages: dict[tuple[PageFilter, int, int], dict[int, tuple[int, list[int]]]] = {}
            for (flt, start, count), asset_ids in groups.items():
                pages[(flt, start, count)] = await incident_store.incident_pages(
                    session, asset_ids=asset_ids, flt=flt, start=start, count=count
                )
            wanted = {i for group in pages.values() for _, ids in group.values() for i in ids}
            rows = (
                await incident_store.get_incidents_by_ids(session, ids=list(wanted))
                if wanted
                else []
            )
        by_id = {row.id: row for row in rows}
        out: list[IncidentPage] = []
        for key in keys:
            total, ids = pages[(key.flt, key.start, key.count)][key.asset_id]
            out.append(IncidentPage(total=total, incidents=[by_id[i] for i in ids if i in by_id]))
        return out
