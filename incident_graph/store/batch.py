"""Writes several units of a group commit plan one by one and the writer applies together.

While the writer plans a batchable unit (see `writer.Writer.run`'s `batch_keys`), the store's
write functions do not execute their statements: they hand the rows to the `PendingWrites`
of the unit's segment (`planning(session)`), and the writer then applies the whole segment
with one statement per table: one multi-row INSERT (or executemany) for incidents, their
asset links, assignees, subscribers, timeline events and outbox events, one executemany for
the incidents' new values and link states, one for the assets' active counters.

New rows have no ids while they are planned. A planned incident, and every asset a planned
raise names, gets a provisional id (negative, so it can never be a real one), which the rows
that refer to it carry; `apply` registers the assets not yet known with one INSERT, reads all
their ids with one SELECT and swaps in the real ids as the INSERTs return them. Counter moves
are summed per asset, so two raises on one asset in a segment move its counter by two in one
UPDATE.

`apply` raises `BatchMismatchError` when the database turns out other than planned (an
incident URN another transaction took meanwhile, an asset registered meanwhile with other
names): the writer then rolls the segment back and runs its units one by one, as a group
commit without batching would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

from sqlalchemy import Select, Update, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.events import AssetRef
from incident_graph.store.dialect import Dialect, dialect_of
from incident_graph.store.tables import (
    Asset,
    Incident,
    IncidentAsset,
    IncidentAssignee,
    IncidentEvent,
    IncidentSubscriber,
    NotificationEvent,
    core_table,
)

# session.info key: the PendingWrites of the segment whose unit is being planned.
_PLANNING: Final = "incident_graph.batch.planning"

_ASSETS: Final = core_table(Asset)
_INCIDENTS: Final = core_table(Incident)
_LINKS: Final = core_table(IncidentAsset)
_EVENTS: Final = core_table(IncidentEvent)
_OUTBOX: Final = core_table(NotificationEvent)

Row = dict[str, Any]


class BatchMismatchError(Exception):
    """The database is not as the segment's units planned: run them one by one instead."""


def planning(session: AsyncSession) -> PendingWrites | None:
    """Where this unit's writes go, or None when they are to be executed right away."""
    pending: PendingWrites | None = session.info.get(_PLANNING)
    return pending


@contextmanager
def planning_into(session: AsyncSession, pending: PendingWrites) -> Iterator[None]:
    """Plan (rather than execute) the writes of the unit run inside."""
    session.info[_PLANNING] = pending
    try:
        yield
    finally:
        session.info.pop(_PLANNING, None)


@dataclass(frozen=True, slots=True)
class PlannedAsset:
    """An asset a planned raise names: registered (if it is not yet) when the segment applies.

    `ref` is how the unit's events name it, made from its URN; `apply` corrects it in place to
    the names the asset is registered with, before the events that hold it are written."""

    provisional_id: int
    row: Row
    ref: AssetRef


@dataclass(frozen=True, slots=True)
class Mark:
    """How much was planned before a unit started: a refused unit's rows are dropped to it."""

    sizes: tuple[int, ...]
    assets: int


@dataclass(frozen=True, slots=True)
class ReadIncident:
    """An incident as the segment read it: its row (locked), asset ids and references in link
    order, and assignees in order."""

    row: Incident
    asset_ids: list[int]
    assets: list[AssetRef]
    assignees: list[str]


@dataclass(slots=True)
class SegmentReads:
    """The incidents a segment's units read, by URN: None for a URN no incident has."""

    _incidents: dict[str, ReadIncident | None] = field(default_factory=dict)

    def __contains__(self, urn: str) -> bool:
        """Whether the URN was read (so the answer, found or not, is here)."""
        return urn in self._incidents

    def incident(self, urn: str) -> ReadIncident | None:
        return self._incidents[urn]


@dataclass(slots=True)
class PendingWrites:
    """The rows a segment's units planned, in the order they planned them, and what the
    segment read for them before they were planned (`store.batch_reads`)."""

    reads: SegmentReads = field(default_factory=SegmentReads)
    _next_id: int = 0
    _assets: dict[str, PlannedAsset] = field(default_factory=dict)
    _incidents: list[tuple[int, Row]] = field(default_factory=list)
    _links: list[Row] = field(default_factory=list)
    _link_states: list[Row] = field(default_factory=list)
    _counts: list[tuple[int, int]] = field(default_factory=list)
    _updates: list[tuple[int, Row, Incident]] = field(default_factory=list)
    _assignees: list[Row] = field(default_factory=list)
    _subscribers: list[Row] = field(default_factory=list)
    _events: list[Row] = field(default_factory=list)
    _outbox: list[Row] = field(default_factory=list)
    # Stored roles by user id, as the segment's first unit to check one read it.
    roles: dict[int, str | None] = field(default_factory=dict)

    def _lists(self) -> tuple[list[Any], ...]:
        return (
            self._incidents,
            self._links,
            self._link_states,
            self._counts,
            self._updates,
            self._assignees,
            self._subscribers,
            self._events,
            self._outbox,
        )

    def mark(self) -> Mark:
        return Mark(tuple(len(rows) for rows in self._lists()), len(self._assets))

    def discard(self, mark: Mark) -> None:
        """Forget what was planned since `mark` (the unit planning it was refused)."""
        for rows, size in zip(self._lists(), mark.sizes, strict=True):
            del rows[size:]
        for urn in list(self._assets)[mark.assets :]:
            del self._assets[urn]

    def _provisional_id(self) -> int:
        self._next_id -= 1
        return self._next_id

    # What the store's write functions hand over instead of executing.

    def asset(self, row: Row, ref: AssetRef) -> PlannedAsset:
        """An asset a raise names, registered if need be (the same for a URN planned twice)."""
        known = self._assets.get(row["urn"])
        if known is None:
            known = PlannedAsset(self._provisional_id(), row, ref)
            self._assets[row["urn"]] = known
        return known

    def insert_incident(self, row: Row) -> int:
        """An incident to insert (its URN unique); its provisional id."""
        incident_id = self._provisional_id()
        self._incidents.append((incident_id, row))
        return incident_id

    def link_assets(self, rows: Sequence[Row]) -> None:
        self._links.extend(rows)

    def move_links(self, *, incident_id: int, state: Any) -> None:
        """Set the state every asset link of the incident carries."""
        self._link_states.append({"b_incident_id": incident_id, "b_state": state})

    def count_active(self, asset_ids: Sequence[int], delta: int) -> None:
        self._counts.extend((asset_id, delta) for asset_id in asset_ids)

    def update_incident(self, incident_id: int, values: Row, held: Incident) -> None:
        """Set `values` on the incident; `held` is its row as the unit holds it (locked), whose
        other columns are written back unchanged so changes of every shape share one UPDATE."""
        self._updates.append((incident_id, values, held))

    def add_assignees(self, rows: Sequence[Row]) -> None:
        self._assignees.extend(rows)

    def subscribe(self, rows: Sequence[Row]) -> None:
        self._subscribers.extend(rows)

    def add_event(self, row: Row) -> None:
        self._events.append(row)

    def add_outbox_event(self, row: Row) -> None:
        self._outbox.append(row)

    # Applying.

    async def apply(self, session: AsyncSession) -> None:
        """Write every planned row: one statement per table (two for new assets: the INSERT
        and the read of their ids)."""
        real: dict[int, int] = {}
        await self._apply_assets(session, real)
        await self._apply_incidents(session, real)

        def resolved(rows: list[Row], *keys: str) -> list[Row]:
            return [row | {k: real.get(row[k], row[k]) for k in keys} for row in rows]

        dialect = dialect_of(session)
        if self._links:
            await session.execute(_LINKS.insert(), resolved(self._links, "incident_id", "asset_id"))
        if self._link_states:
            await session.execute(_MOVE_LINKS, resolved(self._link_states, "b_incident_id"))
        await self._apply_counts(session, real)
        await self._apply_updates(session)
        if self._assignees:
            await session.execute(
                dialect.insert_ignore(IncidentAssignee), resolved(self._assignees, "incident_id")
            )
        if self._subscribers:
            await session.execute(
                dialect.insert_ignore(IncidentSubscriber),
                resolved(self._subscribers, "incident_id"),
            )
        if self._events:
            await session.execute(_EVENTS.insert(), resolved(self._events, "incident_id"))
        if self._outbox:
            await session.execute(_OUTBOX.insert(), resolved(self._outbox, "incident_id"))

    async def _apply_assets(self, session: AsyncSession, real: dict[int, int]) -> None:
        if not self._assets:
            return
        # Sorted, so concurrent transactions take the unique-index locks in one order.
        planned = sorted(self._assets.values(), key=lambda a: a.row["urn"])
        dialect = dialect_of(session)
        await session.execute(dialect.insert_ignore(_ASSETS), [a.row for a in planned])
        found = {
            urn: (asset_id, AssetRef(urn=urn, name=name, platform=platform, type=kind))
            for asset_id, urn, name, platform, kind in await session.execute(
                _asset_refs(dialect), {"urns": [a.row["urn"] for a in planned]}
            )
        }
        for asset in planned:
            if asset.row["urn"] not in found:
                raise BatchMismatchError(f"asset {asset.row['urn']} was deleted meanwhile")
            asset_id, ref = found[asset.row["urn"]]
            real[asset.provisional_id] = asset_id
            # The outbox rows still to be written hold this very dict: they name the asset as
            # it is registered (an existing asset may have another name than its URN gives).
            asset.ref.update(ref)

    async def _apply_incidents(self, session: AsyncSession, real: dict[int, int]) -> None:
        if not self._incidents:
            return
        # One INSERT for all (SQLAlchemy's "insertmanyvalues"); the ids come back with their
        # URNs, which are unique, so no row order needs to be relied on.
        stmt = (
            dialect_of(session)
            .insert_ignore(_INCIDENTS)
            .returning(_INCIDENTS.c.id, _INCIDENTS.c.urn)
        )
        returned = await session.execute(stmt, [row for _, row in self._incidents])
        ids = {urn: incident_id for incident_id, urn in returned}
        for provisional_id, row in self._incidents:
            if row["urn"] not in ids:
                # A raise with the same caller id committed meanwhile: its units decide again.
                raise BatchMismatchError(f"incident {row['urn']} exists already")
            real[provisional_id] = ids[row["urn"]]

    async def _apply_counts(self, session: AsyncSession, real: Mapping[int, int]) -> None:
        deltas: dict[int, int] = defaultdict(int)
        for asset_id, delta in self._counts:
            deltas[real.get(asset_id, asset_id)] += delta
        # In id order, so concurrent transactions lock the asset rows in one order.
        rows = [{"b_id": a, "b_delta": d} for a, d in sorted(deltas.items()) if d]
        if rows:
            await session.execute(_COUNT_ACTIVE_EACH, rows)

    async def _apply_updates(self, session: AsyncSession) -> None:
        # Rows of one executemany must set the same columns: each sets every column any of
        # them sets, the ones its own change leaves alone to the value its locked row holds.
        if not self._updates:
            return
        columns = tuple(sorted({name for _, values, _ in self._updates for name in values}))
        rows = [
            {"b_id": incident_id}
            | {
                f"b_{name}": values[name] if name in values else getattr(held, name)
                for name in columns
            }
            for incident_id, values, held in self._updates
        ]
        await session.execute(_update_incidents(columns), rows)


@cache
def _asset_refs(dialect: Dialect) -> Select[int, str, str, str | None, str]:
    """Registered assets' ids and names by URN, built once per dialect."""
    return select(Asset.id, Asset.urn, Asset.name, Asset.platform, Asset.entity_type).where(
        dialect.among_param(Asset.urn, "urns")
    )


_MOVE_LINKS: Final = (
    update(_LINKS)
    .where(_LINKS.c.incident_id == bindparam("b_incident_id"))
    .values(state=bindparam("b_state", type_=_LINKS.c.state.type))
)

# A deleted asset's counter is left alone, as store.incidents does for a single write.
_COUNT_ACTIVE_EACH: Final = (
    update(_ASSETS)
    .where(_ASSETS.c.id == bindparam("b_id"), _ASSETS.c.deleted_ms.is_(None))
    .values(active_count=_ASSETS.c.active_count + bindparam("b_delta"))
)


@cache
def _update_incidents(columns: tuple[str, ...]) -> Update:
    """UPDATE incidents setting `columns` from parameters, built once per column set."""
    return (
        update(_INCIDENTS)
        .where(_INCIDENTS.c.id == bindparam("b_id"))
        .values({name: bindparam(f"b_{name}", type_=_INCIDENTS.c[name].type) for name in columns})
    )


__all__ = ["BatchMismatchError", "Mark", "PendingWrites", "planning", "planning_into"]
