"""A schema-driven fuzzer: hypothesis-graphql generates queries and mutations from the
committed `schema.graphql`, each is sent over HTTP to the real app as an admin, and every
answer is checked: no 5xx, no INTERNAL, and a refused mutation changed nothing.

Findings are collected rather than raised, so one run reports every distinct failure (by
root field and message) instead of stopping at the first.
"""

from __future__ import annotations

import asyncio
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import graphql
import httpx
import hypothesis
from db_fingerprint import fingerprint
from helpers import Api
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema, nodes
from sqlalchemy.exc import SADeprecationWarning

from incident_graph.domain import limits
from incident_graph.domain.enums import Role
from incident_graph.services.users import create_token

SCHEMA = Path(__file__).resolve().parent.parent / "schema.graphql"


def operations() -> st.SearchStrategy[str]:
    """Each operation calls one root field (a query or a mutation, every one equally likely,
    so each gets its share), with arguments and a selection set drawn from the schema; one
    branch in many breaks the schema once, for the validation layer."""
    schema = graphql.build_schema(SCHEMA.read_text())
    scalars = {"Long": st.integers(limits.LONG_MIN, limits.LONG_MAX).map(nodes.Int)}
    roots = [*schema.query_type.fields, *schema.mutation_type.fields]  # type: ignore[union-attr]
    # One strategy per root field: whole-schema strategies draw several root fields per
    # operation and cost about four times as much to generate.
    each = [from_schema(schema, fields=[root], custom_scalars=scalars) for root in roots]
    invalid = from_schema(schema, custom_scalars=scalars, mode=Mode.NEGATIVE)
    return st.one_of([*each, invalid]).map(str)


@dataclass
class Findings:
    sent: int = 0
    mutations: int = 0
    refused_mutations: int = 0
    seconds: float = 0.0
    fingerprint_seconds: float = 0.0
    new_admins: int = 0
    problems: dict[str, str] = field(default_factory=dict)
    # How the operations were answered: "ok", or the first error's code.
    answers: Counter[str] = field(default_factory=Counter)

    def add(self, key: str, document: str, detail: str) -> None:
        self.problems.setdefault(key, f"{detail}\n  in: {document[:600]}")


def _refused(body: dict[str, Any]) -> bool:
    """Every root field of the mutation failed (or none ran): nothing may have been stored."""
    data = body.get("data")
    errors = body.get("errors") or []
    if not errors:
        return False
    if data is None:
        return True
    failed = {str(e["path"][0]) for e in errors if e.get("path")}
    return all(key in failed for key in data)


async def _check(api: Api, document: str, state: dict[str, Any], found: Findings) -> None:
    engine = api.app.state.db.read_engine  # type: ignore[union-attr]
    is_mutation = document.lstrip().startswith("mutation")
    try:
        response = await api.http.post(
            "/api/graphql", json={"query": document}, headers=api.headers(Role.ADMIN)
        )
    except httpx.HTTPError as exc:  # the app raised through the transport: a 500
        found.add(f"raised {type(exc).__name__}", document, repr(exc))
        return
    found.sent += 1
    if response.status_code == 401:
        # A generated mutation revoked the fuzzer's token or took its admin role away (both
        # allowed): carry on as a new admin, so the rest of the run is not all refusals.
        await _new_admin(api, found)
        state["fingerprint"] = await fingerprint(engine)
        return
    if response.status_code >= 500:
        found.add(f"HTTP {response.status_code}", document, response.text[:300])
        return
    body = response.json()
    errors = body.get("errors") or []
    found.answers[(errors[0].get("extensions") or {}).get("code", "?") if errors else "ok"] += 1
    for error in body.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code in {None, "INTERNAL"}:
            # Keyed by field (INTERNAL messages differ only by request id): one entry a bug.
            where = error["path"][0] if error.get("path") else "-"
            found.add(f"{code} at {where}", document, str(error))
    if not is_mutation:
        return
    found.mutations += 1
    started = time.monotonic()
    after = await fingerprint(engine)
    found.fingerprint_seconds += time.monotonic() - started
    if _refused(body):
        found.refused_mutations += 1
        if after != state["fingerprint"]:
            changed = [t for t in after if after[t] != state["fingerprint"].get(t)]
            found.add(f"refused mutation changed {changed}", document, str(body)[:300])
    state["fingerprint"] = after


async def _new_admin(api: Api, found: Findings) -> None:
    found.new_admins += 1
    issued = await create_token(
        writer=api.app.state.writer,  # type: ignore[union-attr]
        user=f"fuzz-admin-{found.new_admins}",
        role=Role.ADMIN,
    )
    api.tokens[Role.ADMIN] = issued.secret


def fuzz(api: Api, runner: asyncio.Runner, *, examples: int, seed: int) -> Findings:
    """Send `examples` generated operations to the app `api` talks to (running in `runner`);
    the same seed generates the same operations."""
    found = Findings()
    state: dict[str, Any] = {
        "fingerprint": runner.run(fingerprint(api.app.state.db.read_engine))  # type: ignore[union-attr]
    }

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(document=operations())
    @hypothesis.seed(seed)
    def one(document: str) -> None:
        runner.run(_check(api, document, state, found))

    started = time.monotonic()
    with warnings.catch_warnings():
        # What SQLAlchemy deprecates it will one day raise: an INTERNAL then, a finding now.
        warnings.simplefilter("error", SADeprecationWarning)
        one()
    found.seconds = time.monotonic() - started
    return found


__all__ = ["Findings", "fuzz"]
