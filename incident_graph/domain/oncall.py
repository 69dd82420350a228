"""On-call rotations: who is on call at a moment, from the rotation and its overrides. Pure.

A rotation hands over at a local wall-clock time in its time zone, every `length_days` days,
starting with the first member on `start_date`. Counting in local days keeps the handoff at
09:00 local through daylight-saving changes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Final

from incident_graph import urns
from incident_graph.domain import limits
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.notifications import time_zone

MAX_MEMBERS: Final = 100
MAX_LENGTH_DAYS: Final = 366
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True, slots=True)
class Rotation:
    name: str
    members: tuple[str, ...]
    handoff: str
    length_days: int
    time_zone: str
    start_date: date


@dataclass(frozen=True, slots=True)
class Override:
    user_urn: str
    start_ms: int
    end_ms: int


def build_rotation(
    *,
    name: str,
    members: Sequence[str],
    handoff: str,
    length_days: int,
    time_zone_name: str,
    start_date: str | None,
    today: date,
) -> Rotation:
    """A valid rotation, or BAD_USER_INPUT saying which field to fix."""
    name = name.strip()
    if not name or len(name) > limits.NAME:
        raise BadUserInputError(f"name must be 1 to {limits.NAME} characters", field="name")
    if not members or len(members) > MAX_MEMBERS:
        raise BadUserInputError(f"members must list 1 to {MAX_MEMBERS} users", field="members")
    for member in members:
        _user(member, "members")
    if len(set(members)) != len(members):
        raise BadUserInputError("members lists a user twice", field="members")
    if not _TIME.match(handoff):
        raise BadUserInputError(
            f"handoffTime must be a 24-hour time like 09:00; got {handoff!r}", field="handoffTime"
        )
    if not 1 <= length_days <= MAX_LENGTH_DAYS:
        raise BadUserInputError(
            f"lengthDays must be 1 to {MAX_LENGTH_DAYS}; got {length_days}", field="lengthDays"
        )
    time_zone(time_zone_name)
    try:
        start = date.fromisoformat(start_date) if start_date else today
    except ValueError as exc:
        raise BadUserInputError(
            f"startDate {start_date!r} is not a date like 2026-11-23", field="startDate"
        ) from exc
    return Rotation(name, tuple(members), handoff, length_days, time_zone_name, start)


def _user(urn: str, what: str) -> None:
    if not urn.startswith("urn:li:corpuser:"):
        raise BadUserInputError(f"{what}: {urn!r} is not urn:li:corpuser:<name>", field=what)
    try:
        urns.parse_actor_urn(urn)
    except urns.InvalidUrnError as exc:
        raise BadUserInputError(f"{what}: {exc}", field=what) from exc


def build_override(*, user_urn: str, start_ms: int, end_ms: int) -> Override:
    _user(user_urn, "userUrn")
    if end_ms <= start_ms:
        raise BadUserInputError("end must be after start", field="end")
    return Override(user_urn, start_ms, end_ms)


def on_call(rotation: Rotation, overrides: Sequence[Override], at_ms: int) -> tuple[str, bool]:
    """Who is on call at `at_ms`, and whether an override put them there.

    The last override covering the moment wins; otherwise the rotation decides.
    """
    for override in reversed(overrides):
        if override.start_ms <= at_ms < override.end_ms:
            return override.user_urn, True
    tz = time_zone(rotation.time_zone)
    local = datetime.fromtimestamp(at_ms / 1000, tz=UTC).astimezone(tz)
    hour, minute = (int(p) for p in rotation.handoff.split(":"))
    # The shift a moment belongs to starts at the last handoff: before today's, it is yesterday's.
    shift_day = (local - timedelta(hours=hour, minutes=minute)).date()
    index = (shift_day - rotation.start_date).days // rotation.length_days
    return rotation.members[index % len(rotation.members)], False
