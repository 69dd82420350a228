"""Full-text search over incidents: title, description and resolution note.

searchIncidents and the troubleshooting handbook (similarIncidents) match words, not
substrings, and rank by relevance, on a million incidents; a LIKE scan cannot do that.

SQLite: an external-content FTS5 table (the text stays in `incidents`, the index holds only
tokens) kept in step by triggers. The update trigger fires only when one of the three text
columns changes, so status and version bumps cost nothing extra. Caution for later
migrations: a batch operation that *recreates* `incidents` on SQLite (dropping a column,
changing a type) drops these triggers with the old table; such a migration must recreate
them (tests/test_fulltext.py checks that they exist at head).

PostgreSQL: a GIN index on the same expression store/fulltext.py queries, character for
character, so the planner can use it.

Revision ID: 20261125_05
Revises: 20261125_04
Create Date: 2026-11-25
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261125_05"
down_revision: str | None = "20261125_04"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "title, description, resolution_note"
_NEW = "new.id, new.title, new.description, new.resolution_note"
_OLD = "'delete', old.id, old.title, old.description, old.resolution_note"

SQLITE_UP = (
    # porter: "failures" finds "failure", as PostgreSQL's english configuration does.
    (
        "CREATE VIRTUAL TABLE incidents_fts USING fts5("
        f"{_COLUMNS}, content='incidents', content_rowid='id', tokenize='porter unicode61')"
    ),
    (
        "CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents BEGIN "
        f"INSERT INTO incidents_fts(rowid, {_COLUMNS}) VALUES ({_NEW}); END"
    ),
    (
        "CREATE TRIGGER incidents_fts_delete AFTER DELETE ON incidents BEGIN "
        f"INSERT INTO incidents_fts(incidents_fts, rowid, {_COLUMNS}) VALUES ({_OLD}); END"
    ),
    (
        f"CREATE TRIGGER incidents_fts_update AFTER UPDATE OF {_COLUMNS} ON incidents BEGIN "
        f"INSERT INTO incidents_fts(incidents_fts, rowid, {_COLUMNS}) VALUES ({_OLD}); "
        f"INSERT INTO incidents_fts(rowid, {_COLUMNS}) VALUES ({_NEW}); END"
    ),
    # Index the incidents that exist already.
    "INSERT INTO incidents_fts(incidents_fts) VALUES ('rebuild')",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS incidents_fts_update",
    "DROP TRIGGER IF EXISTS incidents_fts_delete",
    "DROP TRIGGER IF EXISTS incidents_fts_insert",
    "DROP TABLE IF EXISTS incidents_fts",
)
POSTGRES_UP = (
    (
        "CREATE INDEX ix_incidents_fulltext ON incidents USING gin (to_tsvector('english', "
        "coalesce(title, '') || ' ' || coalesce(description, '') || ' ' "
        "|| coalesce(resolution_note, '')))"
    ),
)
POSTGRES_DOWN = ("DROP INDEX IF EXISTS ix_incidents_fulltext",)


def _run(sqlite: Sequence[str], postgres: Sequence[str]) -> None:
    dialect = op.get_bind().dialect.name
    statements = {"sqlite": sqlite, "postgresql": postgres}.get(dialect)
    if statements is None:
        msg = f"no full-text migration for the {dialect} database"
        raise RuntimeError(msg)
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _run(SQLITE_UP, POSTGRES_UP)


def downgrade() -> None:
    _run(SQLITE_DOWN, POSTGRES_DOWN)
