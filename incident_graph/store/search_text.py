"""What both full-text implementations share: how text becomes words, and the interface.

User text is split into words here, English stopwords dropped on both databases, and every
word reaches the database as a bound parameter, so nothing a user types is ever read as SQL
or as search syntax. Scores are "higher is better" on both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol

from sqlalchemy import ColumnElement, Select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import SQLColumnExpression

FTS_TABLE: Final = "incidents_fts"
POSTGRES_INDEX: Final = "ix_incidents_search_vector"
# Generated from the text columns (migration 20261125_11); not in the ORM models.
POSTGRES_COLUMN: Final = "search_vector"
# More words than this add little to a match and slow every query down.
MAX_WORDS: Final = 32
# SQLite ranks by FTS5's bm25, which weighs each word by counting every incident holding it,
# on every query: 30 ms for a word in a million incidents. A word in more incidents than this
# says little about relevance anyway; queries holding one are not ranked there.
RANKED_WORD_LIMIT: Final = 20_000

# PostgreSQL's english stop list, so SQLite (which keeps every word) answers alike.
_STOP_LIST = """a about above after again against all am an and any are as at be because been before
    being below between both but by can did do does doing don down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is
    it its itself just me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own s same she should so some such t than that the their theirs
    them themselves then there these they this those through to too under until up very was
    we were what when where which while who whom why will with you your yours yourself
    yourselves"""
STOPWORDS: Final = frozenset(_STOP_LIST.split())
# Letters and digits: both databases split words on underscores and punctuation alike.
_WORD = re.compile(r"[^\W_]+")


def words(text: str | None, *, limit: int = MAX_WORDS) -> list[str]:
    """The distinct searchable words of `text`, lowercased, in order of first appearance."""
    seen: dict[str, None] = {}
    for word in _WORD.findall((text or "").lower()):
        if word not in STOPWORDS and word not in seen:
            seen[word] = None
            if len(seen) == limit:
                break
    return list(seen)


@dataclass(frozen=True, slots=True)
class EveryWord:
    """Narrows a query on `incidents` to the incidents holding every word of a text.

    `narrow(query, among)` keeps the matches; `among`, when given, is a query of the few
    incidents (ids) the other filters leave. SQLite otherwise walks every incident holding
    the words (a million for a common one) before the filters; told the few, it looks each
    of them up in the word index instead. PostgreSQL's planner weighs both ways by itself
    and ignores it (`wants_among` is False there).
    """

    narrow: Callable[[Select[Any], Select[Any] | None], Select[Any]]
    wants_among: bool
    # Higher is more relevant.
    score: ColumnElement[float]
    # Higher is raised more recently (ids follow the order incidents are raised in), and
    # descending is the order each database reads matches in without sorting them: FTS5 walks
    # its doclist backwards by rowid; PostgreSQL walks the primary key backwards.
    recency: SQLColumnExpression[int]


class TextSearch(Protocol):
    """One database's full-text search; `words` are never empty."""

    def matching(self, found: Sequence[str], *, every: bool) -> Select[Any]:
        """(incident_id, score) of incidents holding every word (or any word when not `every`)."""
        ...

    def every_word(self, found: Sequence[str]) -> EveryWord: ...

    async def can_rank(self, session: AsyncSession, found: Sequence[str]) -> bool:
        """Whether ranking matches of these words by relevance is cheap."""
        ...

    async def shared_words(
        self, session: AsyncSession, found: Sequence[str], incident_ids: Sequence[int]
    ) -> dict[int, list[str]]:
        """Which of the words each of these incidents contains (stemmed by the database)."""
        ...


__all__ = [
    "FTS_TABLE",
    "MAX_WORDS",
    "POSTGRES_COLUMN",
    "POSTGRES_INDEX",
    "RANKED_WORD_LIMIT",
    "STOPWORDS",
    "EveryWord",
    "TextSearch",
    "words",
]
