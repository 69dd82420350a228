"""incidentMetrics' pure rules: buckets, nearest-rank percentiles, running active counts."""

from __future__ import annotations

import pytest

from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.incident_metrics import (
    MAX_BUCKETS,
    BucketTally,
    MetricsBucket,
    bucket_figures,
    duration_stats,
    nearest_rank,
    ranked,
    window,
)

H = 3_600_000


@pytest.mark.parametrize(
    ("percent", "n", "rank"),
    [
        (50, 1, 1),
        (90, 1, 1),
        (50, 2, 1),
        (90, 2, 2),
        (50, 3, 2),
        (90, 10, 9),
        (90, 11, 10),
        (50, 10, 5),
        (50, 11, 6),
        (100, 7, 7),
    ],
)
def test_nearest_rank(percent: int, n: int, rank: int) -> None:
    assert nearest_rank(percent, n) == rank


def test_buckets_start_at_from_and_the_last_ends_at_to() -> None:
    chosen = window(from_ms=0, to_ms=50 * H, bucket=MetricsBucket.DAY)
    assert chosen.count == 3
    assert chosen.bounds() == [(0, 24 * H), (24 * H, 48 * H), (48 * H, 50 * H)]


def test_bucket_limit_and_order_are_refused_with_the_fix() -> None:
    window(from_ms=0, to_ms=MAX_BUCKETS * H, bucket=MetricsBucket.HOUR)
    with pytest.raises(BadUserInputError, match=f"limit is {MAX_BUCKETS}"):
        window(from_ms=0, to_ms=MAX_BUCKETS * H + 1, bucket=MetricsBucket.HOUR)
    with pytest.raises(BadUserInputError, match="earlier than to"):
        window(from_ms=5, to_ms=4, bucket=MetricsBucket.WEEK)


def test_active_at_end_runs_from_the_start_count() -> None:
    chosen = window(from_ms=0, to_ms=3 * H, bucket=MetricsBucket.HOUR)
    figures = bucket_figures(
        chosen,
        active_at_start=2,
        tallies={
            0: BucketTally(raised=1, active_delta=1),
            2: BucketTally(resolved=3, active_delta=-3),
        },
    )
    assert [(f.raised, f.resolved, f.active_at_end) for f in figures] == [
        (1, 0, 3),
        (0, 0, 3),
        (0, 3, 0),
    ]


def test_durations_and_ranking() -> None:
    assert duration_stats(count=0, total_ms=None, median_ms=None, p90_ms=None).mean_ms is None
    assert duration_stats(count=4, total_ms=10, median_ms=2, p90_ms=4).mean_ms == 2.5
    assert ranked([(None, 2), ("LOW", 1), ("HIGH", 2)]) == [("HIGH", 2), (None, 2), ("LOW", 1)]
