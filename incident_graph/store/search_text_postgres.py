"""Full-text search on PostgreSQL: the stored tsvector of migration 20261125_11, ts_rank."""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from typing import Any

from sqlalchemy import ColumnClause, ColumnElement, Select, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from incident_graph.store.search_text import POSTGRES_COLUMN, EveryWord
from incident_graph.store.tables import Incident

_PG_VECTOR: ColumnClause[Any] = literal_column(f"incidents.{POSTGRES_COLUMN}")
_PG_CONFIG: ColumnClause[Any] = literal_column("'english'")


class PostgresTextSearch:
    def matching(self, found: Sequence[str], *, every: bool) -> Select[Any]:
        if every:
            query: ColumnElement[Any] = func.plainto_tsquery(_PG_CONFIG, " ".join(found))
        else:
            # tsquery || tsquery is OR; one bound parameter a word.
            query = reduce(
                lambda a, b: a.op("||")(b), [func.plainto_tsquery(_PG_CONFIG, w) for w in found]
            )
        return select(
            Incident.id.label("incident_id"),
            func.ts_rank(_PG_VECTOR, query).label("score"),
        ).where(_PG_VECTOR.op("@@")(query))

    def every_word(self, found: Sequence[str]) -> EveryWord:
        query = func.plainto_tsquery(_PG_CONFIG, " ".join(found))
        return EveryWord(
            narrow=lambda s, _among: s.where(_PG_VECTOR.op("@@")(query)),
            wants_among=False,
            score=func.ts_rank(_PG_VECTOR, query),
            recency=Incident.id,
        )

    async def can_rank(self, session: AsyncSession, found: Sequence[str]) -> bool:  # noqa: ARG002
        return True  # ts_rank reads only the rows it ranks

    async def shared_words(
        self, session: AsyncSession, found: Sequence[str], incident_ids: Sequence[int]
    ) -> dict[int, list[str]]:
        stems = (
            await session.execute(
                select(
                    *(
                        func.tsvector_to_array(func.to_tsvector(_PG_CONFIG, w)).label(f"w{k}")
                        for k, w in enumerate(found)
                    )
                )
            )
        ).one()
        rows = await session.execute(
            select(Incident.id, func.tsvector_to_array(_PG_VECTOR)).where(
                Incident.id.in_(incident_ids)
            )
        )
        out: dict[int, list[str]] = {}
        for incident_id, lexemes in rows:
            held = set(lexemes)
            shared = [w for w, s in zip(found, stems, strict=True) if s and held.issuperset(s)]
            if shared:
                out[int(incident_id)] = shared
        return out


__all__ = ["PostgresTextSearch"]
