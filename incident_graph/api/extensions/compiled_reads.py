"""Answer the hottest reads with one SQL statement whose result is the response's JSON.

For an operation `compile_operation` accepts (an asset's incident page, an incident by URN),
the database builds the whole `data` object and the view writes its bytes unchanged: no
per-field execution, no ORM rows. Everything else, and every request whose arguments the
resolvers would refuse, runs through the resolvers, which stay the reference (a differential
test holds the two to byte-identical answers).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Final

import orjson
from graphql import ExecutionResult
from starlette.requests import Request
from strawberry.extensions import SchemaExtension

from incident_graph.api.compiled_plans import Compiled, compile_operation
from incident_graph.api.context import Context
from incident_graph.store.compiled import run_plan

# Distinct (query text, operation name) pairs remembered, compiled or not.
_CACHE_SIZE: Final = 1024
_compiled: OrderedDict[tuple[str, str | None], Compiled | None] = OrderedDict()


def _lookup(query: str, operation_name: str | None, document: object) -> Compiled | None:
    key = (query, operation_name)
    if key in _compiled:
        _compiled.move_to_end(key)
        return _compiled[key]
    found = compile_operation(document, operation_name)  # type: ignore[arg-type]
    _compiled[key] = found
    if len(_compiled) > _CACHE_SIZE:
        _compiled.popitem(last=False)
    return found


class CompiledReads(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        ctx = self.execution_context
        context = ctx.context
        if (
            ctx.result is None  # an earlier extension has not answered already
            and ctx.query is not None
            and ctx.graphql_document is not None
            # Over HTTP only: the websocket's messages are encoded elsewhere.
            and isinstance(context, Context)
            and isinstance(context.request, Request)
            and context.settings.compiled_reads
        ):
            compiled = _lookup(ctx.query, ctx.operation_name, ctx.graphql_document)
            bound = None if compiled is None else compiled.bind(ctx.variables)
            if bound is not None:
                plan, values = bound
                # Every authenticated role reads incidents and assets: the gate has admitted
                # the caller, which is the resolvers' own condition for these fields.
                async with context.db.reading() as session:
                    data = await run_plan(session, plan, values)
                # orjson writes a Fragment's bytes as they are.
                ctx.result = ExecutionResult(data=orjson.Fragment(data))  # type: ignore[arg-type]
        yield


__all__ = ["CompiledReads"]
