"""Persistence: tables, engines, the group-commit writer and repositories (the only SQL)."""

from incident_graph.store.database import Database, connect
from incident_graph.store.writer import Writer, WriterClosedError

__all__ = ["Database", "Writer", "WriterClosedError", "connect"]
