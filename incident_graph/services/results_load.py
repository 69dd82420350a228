"""Loading a file of check results (Soda's scan results), in batches; bad checks are reported
by position, not fatal."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from incident_graph.domain.checks import MAX_RESULTS, Action, CheckPolicy
from incident_graph.domain.errors import DomainError
from incident_graph.domain.soda import SodaScan
from incident_graph.services.checks import report_results
from incident_graph.store import Writer


@dataclass(slots=True)
class ResultsReport:
    stored: int = 0
    # Runs stored before (the same file loaded again): nothing was done for them.
    retried: int = 0
    actions: Counter[Action] = field(default_factory=Counter)
    rejected: list[tuple[int, str]] = field(default_factory=list)


async def load_scan(
    *,
    writer: Writer,
    scan: SodaScan,
    actor: str,
    default_policy: CheckPolicy,
    require_note: bool,
) -> ResultsReport:
    """Report the scan's results; a batch is all or nothing, so a refused batch rejects each of
    its checks with the reason."""
    report = ResultsReport(rejected=list(scan.rejected))
    for first in range(0, len(scan.results), MAX_RESULTS):
        batch = scan.results[first : first + MAX_RESULTS]
        try:
            reported = await report_results(
                writer=writer,
                results=[spec for _, spec in batch],
                actor=actor,
                default_policy=default_policy,
                require_note=require_note,
            )
        except DomainError as exc:
            report.rejected.extend((position, exc.message) for position, _ in batch)
            continue
        for outcome in reported:
            if outcome.stored:
                report.stored += 1
            else:
                report.retried += 1
            report.actions[outcome.action] += 1
    report.rejected.sort()
    return report
