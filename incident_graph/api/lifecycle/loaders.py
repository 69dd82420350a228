"""Per-request DataLoaders for the lifecycle: timelines, comments and subscribers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Generic, TypeVar

from strawberry.dataloader import DataLoader

from incident_graph.store import Database
from incident_graph.store import lifecycle as lifecycle_store
from incident_graph.store.tables import IncidentComment, IncidentEvent, IncidentSubscriber

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageOf:
    incident_id: int
    start: int
    count: int


@dataclass(frozen=True, slots=True)
class Found(Generic[T]):
    total: int
    rows: list[T]


class LifecycleLoaders:
    def __init__(self, db: Database) -> None:
        self._db = db

    @cached_property
    def timeline(self) -> DataLoader[PageOf, Found[IncidentEvent]]:
        return DataLoader(self._timelines)

    @cached_property
    def comments(self) -> DataLoader[PageOf, Found[IncidentComment]]:
        return DataLoader(self._comments)

    @cached_property
    def subscribers(self) -> DataLoader[int, list[IncidentSubscriber]]:
        return DataLoader(self._subscribers)

    async def _timelines(self, keys: Sequence[PageOf]) -> list[Found[IncidentEvent]]:
        out: list[Found[IncidentEvent]] = []
        async with self._db.reading() as session:
            for key in keys:
                total, rows = await lifecycle_store.events_page(
                    session, incident_id=key.incident_id, start=key.start, count=key.count
                )
                out.append(Found(total, rows))
        return out

    async def _comments(self, keys: Sequence[PageOf]) -> list[Found[IncidentComment]]:
        out: list[Found[IncidentComment]] = []
        async with self._db.reading() as session:
            for key in keys:
                total, rows = await lifecycle_store.comments_page(
                    session, incident_id=key.incident_id, start=key.start, count=key.count
                )
                out.append(Found(total, rows))
        return out

    async def _subscribers(self, keys: Sequence[int]) -> list[list[IncidentSubscriber]]:
        async with self._db.reading() as session:
            found = await lifecycle_store.subscribers_by_incident(session, incident_ids=keys)
        return [found.get(k, []) for k in keys]
