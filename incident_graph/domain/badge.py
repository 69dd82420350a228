"""What an asset's health badge says, from its health entries. Pure; no I/O.

The badge reads the same entries as the asset's `health` field, whatever types there are:
INCIDENTS and UPSTREAM_INCIDENTS now, ASSERTIONS where checks report. The asset's own
problems come first (active incidents, failing checks), then trouble upstream.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

LABEL: Final = "data health"
INCIDENTS: Final = "INCIDENTS"
ASSERTIONS: Final = "ASSERTIONS"
UPSTREAM: Final = "UPSTREAM_INCIDENTS"
FAIL: Final = "FAIL"
WARN: Final = "WARN"


class BadgeColor(StrEnum):
    """shields.io's named colours, and the hex the SVG draws each with."""

    BRIGHTGREEN = "brightgreen"
    YELLOW = "yellow"
    ORANGE = "orange"
    RED = "red"
    LIGHTGREY = "lightgrey"

    @property
    def hex(self) -> str:
        return {
            "brightgreen": "#4c1",
            "yellow": "#dfb317",
            "orange": "#fe7d37",
            "red": "#e05d44",
            "lightgrey": "#9f9f9f",
        }[self.value]


@dataclass(frozen=True, slots=True)
class HealthEntry:
    """One health entry as the asset's `health` field gives it."""

    type: str
    status: str
    message: str | None = None
    # INCIDENTS only: how many incidents on the asset are active.
    active_count: int | None = None


@dataclass(frozen=True, slots=True)
class Badge:
    label: str
    message: str
    color: BadgeColor


UNKNOWN: Final = Badge(LABEL, "unknown asset", BadgeColor.LIGHTGREY)


def badge(entries: Sequence[HealthEntry] | None) -> Badge:
    """The badge for an asset with these health entries; None: no such asset."""
    if entries is None:
        return UNKNOWN
    by_type = {e.type: e for e in entries}
    own: list[str] = []
    incidents = by_type.get(INCIDENTS)
    if incidents is not None and incidents.status == FAIL:
        n = incidents.active_count or 0
        own.append(f"{n} active incident{'' if n == 1 else 's'}")
    checks = by_type.get(ASSERTIONS)
    if checks is not None and checks.status == FAIL:
        own.append("failing checks")
    if own:
        return Badge(LABEL, ", ".join(own), BadgeColor.RED)
    upstream = by_type.get(UPSTREAM)
    if upstream is not None and upstream.status == FAIL:
        return Badge(LABEL, "unhealthy upstream", BadgeColor.ORANGE)
    if checks is not None and checks.status == WARN:
        return Badge(LABEL, "checks warn", BadgeColor.YELLOW)
    return Badge(LABEL, "healthy", BadgeColor.BRIGHTGREEN)


__all__ = ["UNKNOWN", "Badge", "BadgeColor", "HealthEntry", "badge"]
