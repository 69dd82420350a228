"""Incident series on /metrics: active incidents by priority, raises, resolutions, and the
time to resolve, read from the database when Prometheus scrapes.

Read from the database rather than counted where the writes happen, so every path that
raises or resolves (GraphQL, DataHub ingestion, another server process on the same
PostgreSQL) is counted, and nothing on the write path waits for it. The gauge is the state
now. The counters and the histogram follow the timeline from the moment this process started,
as Prometheus counters do (rate() and increase() handle the restart): each scrape reads the
events recorded since the last one, found by primary key, so a scrape costs the writes since
the previous scrape, not the size of the history.
"""

from __future__ import annotations

import logging
from typing import Final

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from incident_graph.domain.enums import IncidentPriority
from incident_graph.store import Database
from incident_graph.store import incident_metrics as metrics_store

log = logging.getLogger(__name__)

NO_PRIORITY: Final = "NONE"
# Event ids are taken when an event is written but become visible when its transaction
# commits, and concurrent transactions (PostgreSQL) may commit out of id order. Each scrape
# reads this far back again and skips the events already counted, so a late commit is
# counted once all the same.
LOOKBACK: Final = 1000
# Seconds: a minute to a month.
RESOLVE_BUCKETS: Final = (
    60,
    300,
    900,
    1800,
    3600,
    4 * 3600,
    12 * 3600,
    86400,
    3 * 86400,
    7 * 86400,
    30 * 86400,
)


class IncidentSeries:
    def __init__(self, registry: CollectorRegistry, db: Database) -> None:
        self._db = db
        self.active = Gauge(
            "incident_graph_active_incidents",
            "Incidents ACTIVE now, by priority (NONE: no priority)",
            ["priority"],
            registry=registry,
        )
        self.raised = Counter(
            "incident_graph_incidents_raised",
            "Incidents raised since this server started (any server on the database)",
            registry=registry,
        )
        self.resolved = Counter(
            "incident_graph_incidents_resolved",
            "Moves into RESOLVED since this server started (any server on the database)",
            registry=registry,
        )
        self.time_to_resolve = Histogram(
            "incident_graph_incident_time_to_resolve_seconds",
            "From an incident's raise to each of its resolutions",
            registry=registry,
            buckets=RESOLVE_BUCKETS,
        )
        # Events at or below the floor were recorded before this process started.
        self._floor: int | None = None
        self._seen: set[int] = set()
        self._last = 0

    async def start(self) -> None:
        """Count from now on: history before this process is not replayed."""
        async with self._db.reading() as session:
            self._floor = self._last = await metrics_store.last_event_id(session)

    async def refresh(self) -> None:
        """Bring every series up to date; called before each scrape. A database that cannot
        be read leaves the series as they were (the HTTP series still answer)."""
        if self._floor is None:
            return
        try:
            async with self._db.reading() as session:
                active = await metrics_store.active_by_priority(session)
                after = max(self._floor, self._last - LOOKBACK)
                moves = await metrics_store.state_moves_after(session, after_id=after)
        except Exception:
            log.exception("incident series not refreshed: the database could not be read")
            return
        for priority in IncidentPriority:
            self.active.labels(priority.value).set(active.get(priority.value, 0))
        self.active.labels(NO_PRIORITY).set(active.get(None, 0))
        for move in moves:
            if move.event_id in self._seen:
                continue
            self._seen.add(move.event_id)
            if move.raised:
                self.raised.inc()
            if move.resolved:
                self.resolved.inc()
                self.time_to_resolve.observe(max(move.resolve_ms or 0, 0) / 1000)
        if moves:
            self._last = max(self._last, moves[-1].event_id)
        self._seen = {i for i in self._seen if i > self._last - LOOKBACK}
