"""The schema-driven fuzzer (graphql_fuzz.py) against the real app on both databases: a small
slice in every run, 10,000 operations per database under the `fuzz` marker (run by
scripts/test as its own pytest invocation)."""

from __future__ import annotations

import asyncio
import os

import pytest
from conftest import running_api
from graphql_fuzz import Findings, fuzz

from incident_graph.config import Settings

FULL_RUN = 10_000
SLICE = 200
# Another seed explores other operations: INCIDENT_GRAPH_FUZZ_SEED=7 ./scripts/test -m fuzz
SEED = int(os.environ.get("INCIDENT_GRAPH_FUZZ_SEED", "0"))


def _run(settings: Settings, examples: int) -> Findings:
    # No delivery worker: it would mark events dispatched between a refused mutation and the
    # fingerprint taken after it.
    quiet = settings.with_overrides(notify_worker=False)
    with asyncio.Runner() as runner:
        context = running_api(quiet)
        api = runner.run(context.__aenter__())
        try:
            return fuzz(api, runner, examples=examples, seed=SEED)
        finally:
            runner.run(context.__aexit__(None, None, None))


def _report(found: Findings) -> str:
    listed = "\n".join(f"- {key}\n  {detail}" for key, detail in found.problems.items())
    return f"{len(found.problems)} problem(s) in {found.sent} operations:\n{listed}"


def test_generated_operations_never_fail_internally(settings: Settings) -> None:
    found = _run(settings, SLICE)
    assert found.sent >= SLICE * 0.9
    assert not found.problems, _report(found)


@pytest.mark.fuzz
def test_ten_thousand_generated_operations(settings: Settings) -> None:
    found = _run(settings, FULL_RUN)
    print(  # noqa: T201 - the figures CI's log keeps: operations, mutations, wall time
        f"fuzz: {found.sent} operations ({found.mutations} mutations, "
        f"{found.refused_mutations} refused) in {found.seconds:.0f} s "
        f"({found.fingerprint_seconds:.0f} s of it fingerprinting); answers {dict(found.answers)}"
    )
    assert found.sent >= FULL_RUN * 0.9
    assert not found.problems, _report(found)
