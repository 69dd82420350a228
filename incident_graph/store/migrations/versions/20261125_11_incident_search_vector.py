"""PostgreSQL: the incidents' text search vector stored in a column, indexed by GIN.

Revision 20261125_05 indexed the expression to_tsvector(title || description || note). The
index finds candidates, but every row a query keeps or ranks had its text parsed and stemmed
again: counting 10,000 matches of a common word among a million incidents took 270 ms (on a
busy 2-core machine), and ts_rank parsed each row once more. PostgreSQL's documentation
recommends the stored column for this ("searches will be faster, since it will not be
necessary to redo the to_tsvector calls to verify index matches"). A generated column keeps it
in step with every write, so no code writes it; it stays out of the ORM models (PostgreSQL
only, read by store/fulltext.py).

The column's statistics target is raised to 1,000: with the default (100) ANALYZE kept only
the few words found in nearly every incident, so any other word was estimated at 0.5% of the
table, and a word in 200 of a million incidents was looked for by reading the table newest
first (1 s) instead of through the index (5 ms).

Adding a stored generated column rewrites the incidents table once (about a minute for a
million incidents), holding its lock meanwhile. SQLite keeps its FTS5 table: nothing to do.

Revision ID: 20261125_11
Revises: 20261125_10
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261125_11"
down_revision: str | None = "20261125_10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_VECTOR = (
    "to_tsvector('english', coalesce(title, '') || ' ' || coalesce(description, '') || ' ' "
    "|| coalesce(resolution_note, ''))"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"ALTER TABLE incidents ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({_VECTOR}) STORED"
    )
    op.execute("ALTER TABLE incidents ALTER COLUMN search_vector SET STATISTICS 1000")
    op.execute("CREATE INDEX ix_incidents_search_vector ON incidents USING gin (search_vector)")
    op.execute("DROP INDEX IF EXISTS ix_incidents_fulltext")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE INDEX ix_incidents_fulltext ON incidents USING gin ({_VECTOR})")
    op.execute("DROP INDEX IF EXISTS ix_incidents_search_vector")
    op.execute("ALTER TABLE incidents DROP COLUMN search_vector")
