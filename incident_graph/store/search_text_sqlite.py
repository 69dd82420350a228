"""Full-text search on SQLite: the FTS5 table of migration 20261125_05, ranked by bm25."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnClause,
    Integer,
    Select,
    bindparam,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.store.search_text import FTS_TABLE, RANKED_WORD_LIMIT, EveryWord
from incident_graph.store.tables import Incident

_FTS = table(FTS_TABLE, column("rowid", Integer))
_FTS_REF: ColumnClause[Any] = literal_column(FTS_TABLE)


def _fts_string(word: str) -> str:
    # An FTS5 string: inside double quotes every character is literal, quotes doubled.
    return '"' + word.replace('"', '""') + '"'


class SqliteTextSearch:
    def matching(self, found: Sequence[str], *, every: bool) -> Select[Any]:
        expression = (" " if every else " OR ").join(_fts_string(w) for w in found)
        return select(
            _FTS.c.rowid.label("incident_id"),
            # bm25 is lower-is-better; negated so both databases rank the same way.
            (-func.bm25(_FTS_REF)).label("score"),
        ).where(_FTS_REF.op("MATCH")(expression))

    def every_word(self, found: Sequence[str]) -> EveryWord:
        expression = " ".join(_fts_string(w) for w in found)

        def narrow(query: Select[Any], among: Select[Any] | None) -> Select[Any]:
            query = query.join(_FTS, _FTS.c.rowid == Incident.id).where(
                _FTS_REF.op("MATCH")(expression)
            )
            # rowid IN (...) on the FTS5 table: SQLite probes the index once per listed id.
            return query if among is None else query.where(_FTS.c.rowid.in_(among))

        return EveryWord(
            narrow=narrow, wants_among=True, score=-func.bm25(_FTS_REF), recency=_FTS.c.rowid
        )

    async def can_rank(self, session: AsyncSession, found: Sequence[str]) -> bool:
        """When no word is held by more than RANKED_WORD_LIMIT incidents (counted that far)."""
        if not found:
            return False
        held = [
            select(func.count())
            .select_from(
                select(literal(1))
                .select_from(_FTS)
                .where(_FTS_REF.op("MATCH")(_fts_string(w)))
                .limit(RANKED_WORD_LIMIT + 1)
                .subquery()
            )
            .scalar_subquery()
            for w in found
        ]
        counts = (await session.execute(select(*held))).one()
        return all(int(n) <= RANKED_WORD_LIMIT for n in counts)

    async def shared_words(
        self, session: AsyncSession, found: Sequence[str], incident_ids: Sequence[int]
    ) -> dict[int, list[str]]:
        # One bound parameter (a JSON array) carries the ids, however many there are.
        candidates = func.json_each(bindparam("candidates", json.dumps(list(incident_ids))))
        among = select(candidates.table_valued("value").c.value)
        branches = [
            select(_FTS.c.rowid, literal(k)).where(
                _FTS_REF.op("MATCH")(_fts_string(w)), _FTS.c.rowid.in_(among)
            )
            for k, w in enumerate(found)
        ]
        hits: dict[int, set[int]] = {}
        for incident_id, k in await session.execute(union_all(*branches)):
            hits.setdefault(int(incident_id), set()).add(int(k))
        return {i: [w for k, w in enumerate(found) if k in ks] for i, ks in hits.items()}


__all__ = ["SqliteTextSearch"]
