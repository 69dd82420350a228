"""Every write records the app's clock, so tests set times instead of sleeping between writes."""

from __future__ import annotations

from conftest import running_api

from incident_graph.config import Settings
from incident_graph.domain.clock import FixedClock


async def test_writes_record_the_injected_clock(settings: Settings) -> None:
    clock = FixedClock(1_700_000_000_000)
    async with running_api(settings, clock) as api:
        first = await api.raise_incident(title="first")
        clock.advance(60_000)
        second = await api.raise_incident(title="second")
        clock.advance(5_000)
        await api.resolve(first)
        one, two = await api.incident(first), await api.incident(second)
        page = await api.asset_incidents()
    assert one["created"]["time"] == 1_700_000_000_000
    assert two["created"]["time"] == 1_700_000_060_000
    assert one["incidentStatus"]["lastUpdated"]["time"] == 1_700_000_065_000
    # Newest first, by the recorded creation times.
    assert [i["title"] for i in page["incidents"]] == ["second", "first"]
