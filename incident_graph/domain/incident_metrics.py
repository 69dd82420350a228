"""incidentMetrics: the time window, its buckets, and the rules that turn counts into figures.
Pure; no I/O.

The window is [from, to): an event at `to` falls outside it. Buckets start at `from` and are
an hour, a day or a week long (UTC, fixed lengths); the last one ends at `to`, so it may be
shorter. Percentiles use the nearest-rank method: the p-th percentile of n sorted values is
the value at rank ceil(p * n / 100), counting from 1. It is always one of the values (no
interpolation), so both databases give the same exact answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from incident_graph.domain.errors import BadUserInputError

HOUR_MS: Final = 3_600_000
# At most this many buckets in one answer: 90 days by the hour is 2,160.
MAX_BUCKETS: Final = 2_200
MEDIAN: Final = 50
P90: Final = 90


class MetricsBucket(StrEnum):
    HOUR = "HOUR"
    DAY = "DAY"
    WEEK = "WEEK"

    @property
    def width_ms(self) -> int:
        return {"HOUR": HOUR_MS, "DAY": 24 * HOUR_MS, "WEEK": 7 * 24 * HOUR_MS}[self.value]


@dataclass(frozen=True, slots=True)
class MetricsWindow:
    from_ms: int
    to_ms: int
    bucket: MetricsBucket

    @property
    def count(self) -> int:
        """How many buckets: the last may be shorter than the others."""
        width = self.bucket.width_ms
        return (self.to_ms - self.from_ms + width - 1) // width

    def bounds(self) -> list[tuple[int, int]]:
        """Each bucket's [start, end), in order."""
        width = self.bucket.width_ms
        return [
            (start, min(start + width, self.to_ms))
            for start in range(self.from_ms, self.to_ms, width)
        ]


def window(*, from_ms: int, to_ms: int, bucket: MetricsBucket) -> MetricsWindow:
    """Validate the range and its bucketing; every refusal says how to fix it."""
    if from_ms >= to_ms:
        raise BadUserInputError(
            f"from ({from_ms}) must be earlier than to ({to_ms}); the range is [from, to)",
            field="from",
        )
    chosen = MetricsWindow(from_ms=from_ms, to_ms=to_ms, bucket=bucket)
    if chosen.count > MAX_BUCKETS:
        raise BadUserInputError(
            f"the range holds {chosen.count} {bucket.value} buckets; the limit is "
            f"{MAX_BUCKETS}: shorten the range or choose a longer bucket",
            field="bucket",
        )
    return chosen


def nearest_rank(percent: int, n: int) -> int:
    """The 1-based rank of the `percent`-th percentile among n sorted values (n >= 1).

    Written with integers, ceil(p * n / 100) = (p * n + 99) // 100, so the SQL that picks the
    row computes the same rank on both databases.
    """
    return (percent * n + 99) // 100


@dataclass(frozen=True, slots=True)
class BucketTally:
    """What happened in one bucket: incidents raised, moves into RESOLVED, and the net change
    in active incidents (into ACTIVE minus out of ACTIVE)."""

    raised: int = 0
    resolved: int = 0
    active_delta: int = 0


@dataclass(frozen=True, slots=True)
class BucketFigures:
    start_ms: int
    end_ms: int
    raised: int
    resolved: int
    active_at_end: int


def bucket_figures(
    chosen: MetricsWindow, *, active_at_start: int, tallies: Mapping[int, BucketTally]
) -> list[BucketFigures]:
    """Each bucket's figures; active at a bucket's end is the count at `from` plus every net
    change up to that end (`tallies` by bucket index, missing buckets had no events)."""
    active = active_at_start
    out: list[BucketFigures] = []
    for index, (start, end) in enumerate(chosen.bounds()):
        tally = tallies.get(index, BucketTally())
        active += tally.active_delta
        out.append(
            BucketFigures(
                start_ms=start,
                end_ms=end,
                raised=tally.raised,
                resolved=tally.resolved,
                active_at_end=active,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class DurationStats:
    """Durations in milliseconds over `count` incidents; None when there are none."""

    count: int
    median_ms: int | None
    p90_ms: int | None
    mean_ms: float | None


def duration_stats(
    *, count: int, total_ms: int | None, median_ms: int | None, p90_ms: int | None
) -> DurationStats:
    if count == 0:
        return DurationStats(count=0, median_ms=None, p90_ms=None, mean_ms=None)
    return DurationStats(
        count=count,
        median_ms=median_ms,
        p90_ms=p90_ms,
        mean_ms=(total_ms or 0) / count,
    )


def ranked(counts: Sequence[tuple[str | None, int]]) -> list[tuple[str | None, int]]:
    """Most frequent first, then by value (no value last), so answers are stable."""
    return sorted(counts, key=lambda vn: (-vn[1], vn[0] is None, vn[0] or ""))


__all__ = [
    "MAX_BUCKETS",
    "MEDIAN",
    "P90",
    "BucketFigures",
    "BucketTally",
    "DurationStats",
    "MetricsBucket",
    "MetricsWindow",
    "bucket_figures",
    "duration_stats",
    "nearest_rank",
    "ranked",
    "window",
]
