"""Epoch milliseconds, the time unit of DataHub's API and of every stored timestamp."""

from __future__ import annotations

import time


def now_ms() -> int:
    return time.time_ns() // 1_000_000
