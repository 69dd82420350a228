"""Per-request DataLoaders for incidents: by URN, their assets and their assignees."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from strawberry.dataloader import DataLoader

from incident_graph.store import Database
from incident_graph.store import incidents as incident_store
from incident_graph.store.tables import Asset, Incident


class IncidentLoaders:
    def __init__(self, db: Database) -> None:
        self._db = db

    @cached_property
    def by_urn(self) -> DataLoader[str, Incident | None]:
        return DataLoader(self._by_urn)

    @cached_property
    def assets(self) -> DataLoader[int, list[Asset]]:
        """An incident's assets, in the order it was raised on them."""
        return DataLoader(self._assets)

    @cached_property
    def assignees(self) -> DataLoader[int, list[str]]:
        return DataLoader(self._assignees)

    async def _by_urn(self, keys: Sequence[str]) -> list[Incident | None]:
        async with self._db.reading() as session:
            rows = await incident_store.get_incidents_by_urns(session, urns=keys)
        by_urn = {row.urn: row for row in rows}
        return [by_urn.get(k) for k in keys]

    async def _assets(self, keys: Sequence[int]) -> list[list[Asset]]:
        async with self._db.reading() as session:
            found = await incident_store.assets_by_incident(session, incident_ids=keys)
        return [found.get(k, []) for k in keys]

    async def _assignees(self, keys: Sequence[int]) -> list[list[str]]:
        async with self._db.reading() as session:
            found = await incident_store.assignees_by_incident(session, incident_ids=keys)
        return [found.get(k, []) for k in keys]
