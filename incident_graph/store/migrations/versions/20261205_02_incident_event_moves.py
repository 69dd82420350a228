"""The state each timeline event moved an incident into, as a column with a partial index.

incidentMetrics (raised, resolved and active per bucket) and the /metrics counters count
state moves over the whole timeline; reading the state out of every event's JSON payload took
seconds at a million incidents. `moved_to` holds the payload's new state when it differs from
the old one (a raise: its first state), and an index of those events alone in time order
carries what the counts read. Existing events are filled in from their payloads.

Revision ID: 20261205_02
Revises: 20261205_01
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261205_02"
down_revision: str | None = "20261205_01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_EVENTS = sa.table(
    "incident_events",
    sa.column("payload", sa.JSON()),
    sa.column("moved_to", sa.String(10)),
)
_MOVED = sa.text("moved_to IS NOT NULL")


def upgrade() -> None:
    # A nullable column: a plain ALTER TABLE on both databases, no batch rebuild.
    op.add_column("incident_events", sa.Column("moved_to", sa.String(10), nullable=True))
    new = _EVENTS.c.payload[("new", "state")].as_string()
    old = _EVENTS.c.payload[("old", "state")].as_string()
    op.execute(
        _EVENTS.update()
        .where(new.isnot(None), sa.or_(old.is_(None), old != new))
        .values(moved_to=new)
    )
    op.create_index(
        "ix_incident_events_moves",
        "incident_events",
        ["time_ms", "moved_to", "kind", "incident_id"],
        unique=False,
        sqlite_where=_MOVED,
        postgresql_where=_MOVED,
    )


def downgrade() -> None:
    op.drop_index("ix_incident_events_moves", table_name="incident_events")
    with op.batch_alter_table("incident_events") as batch:
        batch.drop_column("moved_to")
