"""How each database builds JSON in SQL: the compiled reads' only dialect differences.

Both build compact JSON with keys in the order given. SQLite's text is already what orjson
writes, so it passes through untouched; PostgreSQL's `json` text puts spaces (and newlines in
arrays) between items, so its answer is re-encoded once, in C, to the same bytes.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Sequence

import orjson

# The SQLite library the driver runs on orders inside an aggregate (3.44 and later).
_AGGREGATE_ORDER_BY = sqlite3.sqlite_version_info >= (3, 44, 0)


def literal(value: str) -> str:
    """A SQL string literal (values are names known when planning, never user input)."""
    return "'" + value.replace("'", "''") + "'"


class JsonSql(ABC):
    @abstractmethod
    def placeholder(self, position: int) -> str:
        """The driver's placeholder for the `position`th parameter (1-based)."""

    @abstractmethod
    def number(self, placeholder: str) -> str:
        """A bound whole number written into the JSON."""

    @abstractmethod
    def text(self, value: str) -> str:
        """A string constant written into the JSON."""

    @abstractmethod
    def object(self, pairs: Sequence[tuple[str, str]]) -> str:
        """A JSON object of (key, SQL value) pairs."""

    @abstractmethod
    def list(self, items: Sequence[str]) -> str:
        """A JSON array of SQL values."""

    @abstractmethod
    def boolean(self, condition: str) -> str:
        """A SQL condition written into the JSON as true or false."""

    @abstractmethod
    def by_code_point(self, expression: str) -> str:
        """A text value to ORDER BY as Python sorts strings, whatever the collation."""

    @abstractmethod
    def embed(self, expression: str) -> str:
        """A JSON value computed by a parenthesised subquery or CASE, to be nested inside
        another as JSON (not as a string)."""

    @abstractmethod
    def array(self, element: str, rows: str, alias: str, order_by: str) -> str:
        """The JSON array of `element` over the derived table `rows` (named `alias`), in the
        order `order_by` (columns `rows` selects, and orders itself by); an empty array when
        there are no rows."""

    @abstractmethod
    def fence(self) -> str:
        """What ends a derived table so it is computed once, as a table, rather than pulled
        up into the query that reads it (which copies its subqueries into every reference)."""

    @abstractmethod
    def answer(self, expression: str) -> str:
        """The statement's one value, the whole `data` object, as text."""

    @abstractmethod
    def canonical(self, raw: str) -> bytes:
        """The answer as the bytes orjson would write for the same value."""


class SqliteJson(JsonSql):
    def placeholder(self, position: int) -> str:  # noqa: ARG002 - qmark: order is position
        return "?"

    def number(self, placeholder: str) -> str:
        return placeholder

    def text(self, value: str) -> str:
        return literal(value)

    def object(self, pairs: Sequence[tuple[str, str]]) -> str:
        return "json_object(" + ", ".join(f"{literal(k)}, {v}" for k, v in pairs) + ")"

    def list(self, items: Sequence[str]) -> str:
        return "json_array(" + ", ".join(items) + ")"

    def boolean(self, condition: str) -> str:
        return f"json(CASE WHEN {condition} THEN 'true' ELSE 'false' END)"

    def by_code_point(self, expression: str) -> str:
        return expression  # BINARY, SQLite's default: UTF-8 bytes, in code point order

    def embed(self, expression: str) -> str:
        # A value from a subquery or CASE loses its JSON subtype and would be quoted as a
        # string; json() gives it back.
        return f"json({expression})"

    def array(self, element: str, rows: str, alias: str, order_by: str) -> str:
        if _AGGREGATE_ORDER_BY:
            return (
                f"json((SELECT json_group_array({element} ORDER BY {order_by}) "
                f"FROM ({rows}) AS {alias}))"
            )
        # Before 3.44 an aggregate takes no ORDER BY; it aggregates the ordered derived table
        # in its order (a subquery with ORDER BY under an aggregate is not flattened into it).
        return f"json((SELECT json_group_array({element}) FROM ({rows}) AS {alias}))"

    def fence(self) -> str:
        return ""  # SQLite computes a correlated derived table as a table already

    def answer(self, expression: str) -> str:
        return f"SELECT {expression}"

    def canonical(self, raw: str) -> bytes:
        return raw.encode()


class PostgresJson(JsonSql):
    def placeholder(self, position: int) -> str:
        return f"${position}"

    def number(self, placeholder: str) -> str:
        return f"{placeholder}::bigint"

    def text(self, value: str) -> str:
        return f"{literal(value)}::text"

    def object(self, pairs: Sequence[tuple[str, str]]) -> str:
        return "json_build_object(" + ", ".join(f"{literal(k)}, {v}" for k, v in pairs) + ")"

    def list(self, items: Sequence[str]) -> str:
        return "json_build_array(" + ", ".join(items) + ")"

    def boolean(self, condition: str) -> str:
        return f"({condition})"

    def by_code_point(self, expression: str) -> str:
        return f'{expression} COLLATE "C"'

    def embed(self, expression: str) -> str:
        return expression

    def array(self, element: str, rows: str, alias: str, order_by: str) -> str:
        return (
            f"(SELECT coalesce(json_agg({element} ORDER BY {order_by}), '[]'::json) "
            f"FROM ({rows}) AS {alias})"
        )

    def fence(self) -> str:
        return " OFFSET 0"

    def answer(self, expression: str) -> str:
        return f"SELECT ({expression})::text"

    def canonical(self, raw: str) -> bytes:
        return orjson.dumps(orjson.loads(raw))
