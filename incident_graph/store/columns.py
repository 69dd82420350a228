"""Portable column types: the Python values a column holds, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from enum import StrEnum
from typing import Generic, TypeVar

from sqlalchemy import BigInteger, Dialect, Integer, String
from sqlalchemy.types import TypeDecorator

E = TypeVar("E", bound=StrEnum)

# SQLite only makes INTEGER PRIMARY KEY an auto-incrementing rowid alias, so ids are BIGINT
# on PostgreSQL and INTEGER on SQLite (a declared variant, not a runtime check).
Id = BigInteger().with_variant(Integer(), "sqlite")


class EnumText(TypeDecorator[E], Generic[E]):
    """An enum stored as its value in a VARCHAR: rows read back as the enum, never a bare string.

    The column stays VARCHAR(n) (the migrations' type), so adding a member needs no migration,
    and values written before this type existed read back unchanged.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum: type[E], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: E | str | None, dialect: Dialect) -> str | None:  # noqa: ARG002
        # A plain string is accepted (bound parameters built from text, old call sites) but
        # must name a member: a typo fails here, not as a row no query finds.
        return None if value is None else self.enum(value).value

    def process_result_value(self, value: str | None, dialect: Dialect) -> E | None:  # noqa: ARG002
        return None if value is None else self.enum(value)

    @property
    def python_type(self) -> type[E]:
        return self.enum


__all__ = ["EnumText", "Id"]
