"""Answer the hottest reads with one SQL statement whose result is the response's JSON.

For an operation `compile_operation` accepts (an asset's incident page and health, an incident
by URN, the incident and asset search pages), the database builds the whole `data` object and
the view writes its bytes unchanged: no per-field execution, no ORM rows. Everything else, and
every request whose arguments the resolvers would refuse, runs through the resolvers, which
stay the reference (a differential test holds the two to byte-identical answers).

Two ways in. The extension answers inside strawberry's pipeline, after parsing, validation
and every other extension's checks. Once it has answered a query text, that text is known
good: its validation and request limits depend on the text alone, so later requests with the
same text, operation name and schema skip strawberry altogether (`answer_known`, called by the
view), checking only what can differ per request: the variables.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any, Final

import orjson
from graphql import DocumentNode, ExecutionResult
from starlette.requests import Request
from strawberry.extensions import SchemaExtension

from incident_graph.api.compiled_plans import Compiled, PlanLimits, compile_operation
from incident_graph.api.context import Context
from incident_graph.config import Settings
from incident_graph.domain.errors import BadUserInputError
from incident_graph.domain.text import refuse_nul
from incident_graph.store import Database
from incident_graph.store.compiled import run_plan

# Distinct (schema, limits, query text, operation name) entries remembered.
_CACHE_SIZE: Final = 1024
_Key = tuple[int, PlanLimits, str, str | None]


class _Lru:
    def __init__(self) -> None:
        self._entries: OrderedDict[_Key, Compiled | None] = OrderedDict()

    def get(self, key: _Key) -> Compiled | bool | None:
        """The entry, or False when there is none."""
        if key not in self._entries:
            return False
        self._entries.move_to_end(key)
        return self._entries[key]

    def put(self, key: _Key, value: Compiled | None) -> None:
        self._entries[key] = value
        if len(self._entries) > _CACHE_SIZE:
            self._entries.popitem(last=False)


# Every text seen by the extension, compiled or not; and those it answered (validated).
_compiled = _Lru()
_answered = _Lru()


async def _run(
    db: Database, compiled: Compiled, variables: Mapping[str, Any] | None
) -> bytes | None:
    bound = compiled.bind(variables)
    if bound is None:
        return None
    plan, values = bound
    # Every authenticated role reads incidents and assets: the gate has admitted the caller,
    # which is the resolvers' own condition for these fields.
    async with db.reading_connection() as connection:
        return await run_plan(connection, plan, values)


class CompiledReads(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        context = ctx.context
        if (
            ctx.result is None  # an earlier extension has not answered already (NUL text)
            and ctx.query is not None
            and isinstance(ctx.graphql_document, DocumentNode)
            # Over HTTP only: the websocket's messages are encoded elsewhere.
            and isinstance(context, Context)
            and isinstance(context.request, Request)
            and context.settings.compiled_reads
        ):
            limits = plan_limits(context.settings)
            key = (id(ctx.schema), limits, ctx.query, ctx.operation_name)
            compiled = _compiled.get(key)
            if compiled is False:
                compiled = compile_operation(ctx.graphql_document, ctx.operation_name, limits)
                _compiled.put(key, compiled)
            if isinstance(compiled, Compiled):
                data = await _run(context.db, compiled, ctx.variables)
                if data is not None:
                    _answered.put(key, compiled)
                    # orjson writes a Fragment's bytes as they are.
                    ctx.result = ExecutionResult(data=orjson.Fragment(data))  # type: ignore[arg-type]
        yield


def plan_limits(settings: Settings) -> PlanLimits:
    return PlanLimits(
        lineage_depth=settings.lineage_max_depth,
        max_matches=settings.incident_search_max_matches,
    )


async def answer_known(
    db: Database, schema: object, limits: PlanLimits, payload: Mapping[str, Any]
) -> bytes | None:
    """The whole response body for a request whose text the extension has answered before,
    or None: strawberry runs it (and answers any refusal its own way)."""
    query = payload.get("query")
    operation_name = payload.get("operationName")
    variables = payload.get("variables")
    if not isinstance(query, str) or not isinstance(operation_name, str | None):
        return None
    if not isinstance(variables, dict | None) or not isinstance(
        payload.get("extensions"), dict | None
    ):
        return None
    compiled = _answered.get((id(schema), limits, query, operation_name))
    if not isinstance(compiled, Compiled):
        return None
    try:
        refuse_nul("$", variables or {})
    except BadUserInputError:
        return None
    data = await _run(db, compiled, variables)
    return None if data is None else b'{"data":' + data + b"}"


__all__ = ["CompiledReads", "answer_known", "plan_limits"]
