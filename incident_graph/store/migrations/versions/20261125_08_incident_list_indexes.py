"""Indexes for the organisation-wide incident list (searchIncidents).

Its default order is newest first, it sorts by update time on request, filters by state
most of the time and by the source check sometimes; without these, every page sorted the
whole incidents table.

Revision ID: 20261125_08
Revises: 20261125_07
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261125_08"
down_revision: str | None = "20261125_07"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_incidents_created": ["created_ms", "id"],
    "ix_incidents_updated": ["updated_ms", "id"],
    "ix_incidents_state_created": ["state", "created_ms", "id"],
    "ix_incidents_source_urn": ["source_urn"],
}


def upgrade() -> None:
    # Plain CREATE INDEX, not batch mode: rebuilding incidents on SQLite would drop the
    # full-text triggers of revision 20261125_05.
    for name, columns in INDEXES.items():
        op.create_index(name, "incidents", columns, unique=False)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="incidents")
