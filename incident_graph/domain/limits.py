"""How long stored values may be: the one list the tables' column widths and the input rules
both read, so a value the rules accept always fits its column on SQLite and PostgreSQL alike.

SQLite ignores VARCHAR widths and PostgreSQL enforces them; without one list the same input
was stored on one and refused by the other. Widths that follow from URN syntax come from
`urns` (its own limits) and are named here too, so the tables read them from this module.
"""

from __future__ import annotations

from typing import Final

from incident_graph import urns

# Any URN: asset URNs, source URNs, a grant's resource.
URN: Final = urns.MAX_URN_LENGTH
# A platform as asset URNs name it (`urn:li:dataPlatform:<platform>`).
PLATFORM: Final = urns.MAX_PLATFORM_LENGTH
# A user or team URN wherever it is stored (actors, assignees, owners, members, grantees):
# urn:li:corpGroup: plus a name of at most urns.MAX_ACTOR_NAME characters fits with room.
ACTOR_URN: Final = 300
# An incident URN: urn:li:incident: plus a caller id of at most urns.MAX_INCIDENT_ID.
INCIDENT_URN: Final = 300
# Names: users, teams, tokens, channels, policies, schedules; display names; custom types.
NAME: Final = 200
EMAIL: Final = 320
TITLE: Final = 500
TAG: Final = 300
TIME_ZONE: Final = 100
# "HH:MM" and "YYYY-MM-DD".
CLOCK_TIME: Final = 5
DATE: Final = 10
# What the audit log records as the operation.
OPERATION: Final = 100
# Checks: an assertion URN (urn:li:assertion: plus an id of at most 200), a check's name, a
# link to a check or a run, a run id, an observed value or threshold, an operation's partition.
CHECK_URN: Final = 300
CHECK_NAME: Final = 500
EXTERNAL_URL: Final = 2000
RUN_ID: Final = 300
CHECK_VALUE: Final = 1000
PARTITION: Final = 500
# Free text in TEXT columns (descriptions, messages, notes, comments): no column limit, but
# one of ours, so a single request cannot store megabytes.
LONG_TEXT: Final = 50_000
# GraphQL's Long, and every BIGINT column: a signed 64-bit integer.
LONG_MIN: Final = -(2**63)
LONG_MAX: Final = 2**63 - 1
# Times given in epoch milliseconds: from 1970 to the end of year 9999, which every
# date library here can still show.
EPOCH_MS_MAX: Final = 253_402_300_799_999

__all__ = [
    "ACTOR_URN",
    "CHECK_NAME",
    "CHECK_URN",
    "CHECK_VALUE",
    "CLOCK_TIME",
    "DATE",
    "EMAIL",
    "EPOCH_MS_MAX",
    "EXTERNAL_URL",
    "INCIDENT_URN",
    "LONG_MAX",
    "LONG_MIN",
    "LONG_TEXT",
    "NAME",
    "OPERATION",
    "PARTITION",
    "PLATFORM",
    "RUN_ID",
    "TAG",
    "TIME_ZONE",
    "TITLE",
    "URN",
]
