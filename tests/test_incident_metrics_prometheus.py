"""/metrics incident series, scraped over HTTP on both databases: active by priority, raised and
resolved counters, the time-to-resolve histogram; counted once, from the server's start."""

from __future__ import annotations

from conftest import running_api
from helpers import Api
from prometheus_client.parser import text_string_to_metric_families

from incident_graph.config import Settings
from incident_graph.domain.clock import FixedClock

T = 1_793_577_600_000
SERIES = (
    "incident_graph_active_incidents",
    "incident_graph_incidents_",
    "incident_graph_incident_time_to_resolve",
)
REOPEN = "mutation($u: String!) { updateIncidentStatus(urn: $u, input: {state: ACTIVE}) }"


async def _scrape(api: Api) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await api.http.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
        if sample.name.startswith(SERIES)
    }


def _active(found: dict[tuple[str, tuple[tuple[str, str], ...]], float]) -> dict[str, float]:
    return {
        dict(labels)["priority"]: value
        for (name, labels), value in found.items()
        if name == "incident_graph_active_incidents"
    }


def _one(
    found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str
) -> float:
    return found[(name, tuple(sorted(labels.items())))]


async def test_series_follow_the_timeline_from_the_start(settings: Settings) -> None:
    clock = FixedClock(T - 3_600_000)
    async with running_api(settings, clock=clock) as before:
        x = await before.raise_incident(priority="HIGH")
    # A new server on the same database: x counts as active, but was raised before it started.
    async with running_api(settings, clock=clock) as api:
        found = await _scrape(api)
        assert _active(found) == {"LOW": 0, "MEDIUM": 0, "HIGH": 1, "CRITICAL": 0, "NONE": 0}
        assert _one(found, "incident_graph_incidents_raised_total") == 0
        clock.set(T)
        y = await api.raise_incident(priority="CRITICAL")
        await api.raise_incident()
        clock.set(T + 90_000)
        await api.resolve(y)
        clock.set(T + 2 * 3_600_000)
        await api.resolve(x)
        found = await _scrape(api)
        assert _active(found) == {"LOW": 0, "MEDIUM": 0, "HIGH": 0, "CRITICAL": 0, "NONE": 1}
        assert _one(found, "incident_graph_incidents_raised_total") == 2
        assert _one(found, "incident_graph_incidents_resolved_total") == 2
        histogram = "incident_graph_incident_time_to_resolve_seconds"
        # y after 90 s; x after 3 h (raised an hour before T).
        assert _one(found, f"{histogram}_count") == 2
        assert _one(found, f"{histogram}_sum") == 90 + 3 * 3600
        buckets = {
            le: _one(found, f"{histogram}_bucket", le=le)
            for le in ("60.0", "300.0", "3600.0", "14400.0", "+Inf")
        }
        assert buckets == {"60.0": 0, "300.0": 1, "3600.0": 1, "14400.0": 2, "+Inf": 2}
        # Reopened and resolved again: a second resolution, observed from the raise.
        clock.set(T + 3 * 3_600_000)
        await api.gql(REOPEN, {"u": y})
        await api.resolve(y)
        for _ in range(2):  # scraping again counts nothing twice
            found = await _scrape(api)
            assert _one(found, "incident_graph_incidents_resolved_total") == 3
            assert _one(found, f"{histogram}_count") == 3
            assert _one(found, f"{histogram}_sum") == 90 + 2 * 3 * 3600
            assert _one(found, "incident_graph_incidents_raised_total") == 2
