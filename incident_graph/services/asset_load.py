"""Bulk asset loading from JSON Lines, streamed in batches; bad lines are reported, not fatal."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from incident_graph.domain.assets import MAX_UPSERT, AssetSpec, parse_json_line
from incident_graph.domain.errors import DomainError
from incident_graph.services.catalog import upsert_assets
from incident_graph.store import Writer


@dataclass(slots=True)
class LoadReport:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    lines: int = 0


def _parse(number: int, line: str, report: LoadReport) -> AssetSpec | None:
    if not line.strip():
        return None
    try:
        return parse_json_line(line)
    except DomainError as exc:
        report.rejected.append((number, exc.message))
        return None


async def load_lines(
    *,
    writer: Writer,
    lines: Iterable[str],
    progress: Callable[[LoadReport], None] | None = None,
) -> LoadReport:
    """Upsert every valid line; a batch is all-or-nothing, so a failing batch rejects its lines."""
    report = LoadReport()
    batch: list[tuple[int, AssetSpec]] = []
    seen_in_batch: set[str] = set()

    async def flush() -> None:
        if not batch:
            return
        try:
            counts = await upsert_assets(writer=writer, specs=[spec for _, spec in batch])
        except DomainError as exc:
            report.rejected.extend((number, exc.message) for number, _ in batch)
        else:
            report.created += counts.created
            report.updated += counts.updated
        batch.clear()
        seen_in_batch.clear()
        if progress is not None:
            progress(report)

    for number, line in enumerate(lines, start=1):
        report.lines = number
        spec = _parse(number, line, report)
        if spec is None:
            continue
        if spec.asset.urn in seen_in_batch:  # a later line for the same asset wins
            await flush()
        batch.append((number, spec))
        seen_in_batch.add(spec.asset.urn)
        if len(batch) >= MAX_UPSERT:
            await flush()
    await flush()
    return report
