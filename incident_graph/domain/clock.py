"""Epoch milliseconds, the time unit of DataHub's API and of every stored timestamp."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

# What code that must be testable at any moment takes instead of calling now_ms itself.
Clock = Callable[[], int]


def now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(slots=True)
class FixedClock:
    """A clock that stands still until moved: tests put the worker at 03:00 or past a handoff
    without waiting for it."""

    at_ms: int

    def __call__(self) -> int:
        return self.at_ms

    def set(self, at_ms: int) -> None:
        self.at_ms = at_ms

    def advance(self, ms: int) -> None:
        self.at_ms += ms
