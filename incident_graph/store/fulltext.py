"""Full-text search over incidents: SQLite FTS5 or PostgreSQL text search, one interface.

Both databases index the same text (title, description and resolution note; migrations
20261125_05 and _11: FTS5 on SQLite, a stored tsvector column with a GIN index on PostgreSQL)
and answer the same way (store/search_text.py); the dialect supplies the implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.domain.enums import IncidentState
from incident_graph.store.dialect import dialect_of
from incident_graph.store.search_text import EveryWord, words
from incident_graph.store.tables import Incident


def every_word(session: AsyncSession, text: str | None) -> EveryWord | None:
    """How to keep incidents holding every word of `text`; None when it has no words."""
    found = words(text)
    return dialect_of(session).text_search.every_word(found) if found else None


async def can_rank(session: AsyncSession, text: str) -> bool:
    """Whether ranking matches of `text` by relevance is cheap: always on PostgreSQL (ts_rank
    reads only the rows it ranks); on SQLite, when no word of the text is held by more than
    search_text.RANKED_WORD_LIMIT incidents."""
    return await dialect_of(session).text_search.can_rank(session, words(text))


def all_words(session: AsyncSession, text: str | None) -> Select[Any] | None:
    """(incident_id, score) of incidents holding every word of `text`; None when it has none."""
    found = words(text)
    return dialect_of(session).text_search.matching(found, every=True) if found else None


async def best_matches(
    session: AsyncSession,
    *,
    text: str,
    states: Sequence[IncidentState],
    exclude_id: int,
    limit: int,
) -> dict[int, float]:
    """The `limit` incidents in `states` sharing the most words with `text`, with scores."""
    found = words(text)
    if not found or limit < 1:
        return {}
    hits = dialect_of(session).text_search.matching(found, every=False).subquery()
    rows = await session.execute(
        select(hits.c.incident_id, hits.c.score)
        .join(Incident, Incident.id == hits.c.incident_id)
        .where(Incident.state.in_(states), Incident.id != exclude_id)
        .order_by(hits.c.score.desc(), hits.c.incident_id.desc())
        .limit(limit)
    )
    return {int(i): float(s) for i, s in rows}


async def shared_words(
    session: AsyncSession, *, text: str, incident_ids: Sequence[int]
) -> dict[int, list[str]]:
    """Which words of `text` each of these incidents contains (stemmed by the database).

    A count of shared words means the same on both databases, where bm25 and ts_rank do not.
    """
    found = words(text)
    if not found or not incident_ids:
        return {}
    return await dialect_of(session).text_search.shared_words(session, found, incident_ids)


__all__ = [
    "EveryWord",
    "all_words",
    "best_matches",
    "can_rank",
    "every_word",
    "shared_words",
    "words",
]
