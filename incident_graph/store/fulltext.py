"""Full-text search over incidents: SQLite FTS5 or PostgreSQL text search, one interface.

Both databases index the same text (title, description and resolution note; migrations
20261125_05 and _11: FTS5 on SQLite, a stored tsvector column with a GIN index on PostgreSQL)
and answer the same way: user text is split into words here, English stopwords
dropped on both sides, and every word reaches the database as a bound parameter, quoted as
an FTS5 string on SQLite and through plainto_tsquery on PostgreSQL, so nothing a user types
is ever read as SQL or as search syntax. Scores are "higher is better" on both.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, Final

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
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
from sqlalchemy.sql.elements import SQLColumnExpression

from incident_graph.store.tables import Incident

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

_FTS = table(FTS_TABLE, column("rowid", Integer))
_FTS_REF: ColumnClause[Any] = literal_column(FTS_TABLE)
_PG_VECTOR: ColumnClause[Any] = literal_column(f"incidents.{POSTGRES_COLUMN}")
_PG_CONFIG: ColumnClause[Any] = literal_column("'english'")


def words(text: str | None, *, limit: int = MAX_WORDS) -> list[str]:
    """The distinct searchable words of `text`, lowercased, in order of first appearance."""
    seen: dict[str, None] = {}
    for word in _WORD.findall((text or "").lower()):
        if word not in STOPWORDS and word not in seen:
            seen[word] = None
            if len(seen) == limit:
                break
    return list(seen)


def _fts_string(word: str) -> str:
    # An FTS5 string: inside double quotes every character is literal, quotes doubled.
    return '"' + word.replace('"', '""') + '"'


def _is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _matching(session: AsyncSession, found: Sequence[str], *, every: bool) -> Select[Any]:
    """(incident_id, score) of incidents holding every word (or any word when not `every`)."""
    if _is_postgres(session):
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
    expression = (" " if every else " OR ").join(_fts_string(w) for w in found)
    return select(
        _FTS.c.rowid.label("incident_id"),
        # bm25 is lower-is-better; negated so both databases rank the same way.
        (-func.bm25(_FTS_REF)).label("score"),
    ).where(_FTS_REF.op("MATCH")(expression))


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


def every_word(session: AsyncSession, text: str | None) -> EveryWord | None:
    """How to keep incidents holding every word of `text`; None when it has no words."""
    found = words(text)
    if not found:
        return None
    if _is_postgres(session):
        query = func.plainto_tsquery(_PG_CONFIG, " ".join(found))
        return EveryWord(
            narrow=lambda s, _among: s.where(_PG_VECTOR.op("@@")(query)),
            wants_among=False,
            score=func.ts_rank(_PG_VECTOR, query),
            recency=Incident.id,
        )
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


async def can_rank(session: AsyncSession, text: str) -> bool:
    """Whether ranking matches of `text` by relevance is cheap.

    Always on PostgreSQL (ts_rank reads only the rows it ranks). On SQLite, when no word of
    the text is held by more than RANKED_WORD_LIMIT incidents (counted only that far).
    """
    if _is_postgres(session):
        return True
    found = words(text)
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


def all_words(session: AsyncSession, text: str | None) -> Select[Any] | None:
    """(incident_id, score) of incidents holding every word of `text`; None when it has none."""
    found = words(text)
    return _matching(session, found, every=True) if found else None


async def best_matches(
    session: AsyncSession, *, text: str, states: Sequence[str], exclude_id: int, limit: int
) -> dict[int, float]:
    """The `limit` incidents in `states` sharing the most words with `text`, with scores."""
    found = words(text)
    if not found or limit < 1:
        return {}
    hits = _matching(session, found, every=False).subquery()
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
    out: dict[int, list[str]] = {}
    if _is_postgres(session):
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
        for incident_id, lexemes in rows:
            held = set(lexemes)
            shared = [w for w, s in zip(found, stems, strict=True) if s and held.issuperset(s)]
            if shared:
                out[int(incident_id)] = shared
        return out
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
