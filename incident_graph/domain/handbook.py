"""The troubleshooting handbook's ranking: how much a past incident resembles this one.

Each signal adds a fixed weight, so a score reads as a sum of its reasons: the same asset
counts most, then wording, type, upstream assets (less the further up) and the same source.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from incident_graph.domain.errors import BadUserInputError

SAME_ASSET: Final = 4.0
# Divided by the number of hops: a direct input counts more than a distant one.
UPSTREAM_ASSET: Final = 2.0
SAME_TYPE: Final = 2.0
SAME_SOURCE: Final = 1.5
# Multiplied by the share of this incident's words the past one also uses, 0..1.
SIMILAR_TEXT: Final = 3.0
MAX_SIMILAR: Final = 100

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Profile:
    """What the ranking compares besides wording: an incident's assets, type and source."""

    asset_ids: frozenset[int]
    incident_type: str
    custom_type: str | None
    source_urn: str | None


@dataclass(frozen=True, slots=True)
class Resemblance:
    score: float
    reasons: tuple[str, ...]


def check_count(count: int) -> int:
    if not 0 <= count <= MAX_SIMILAR:
        raise BadUserInputError(
            f"count must be between 0 and {MAX_SIMILAR}, got {count}", field="count"
        )
    return count


def resemblance(
    target: Profile,
    *,
    upstream_hops: Mapping[int, int],
    past: Profile,
    asset_urns: Mapping[int, str],
    shared_words: Sequence[str],
    target_words: int,
) -> Resemblance:
    """Score a past incident against `target`, saying why.

    `upstream_hops` maps the assets upstream of the target's to their distance; `asset_urns`
    names the past incident's assets; `shared_words` are the target's words it also uses, of
    `target_words` in all.
    """
    score = 0.0
    reasons: list[str] = []
    shared = sorted(asset_urns[a] for a in past.asset_ids & target.asset_ids)
    if shared:
        score += SAME_ASSET
        reasons.append("same asset " + ", ".join(shared))
    above = [(upstream_hops[a], asset_urns[a]) for a in past.asset_ids if a in upstream_hops]
    if above:
        hops, urn = min(above)
        score += UPSTREAM_ASSET / hops
        reasons.append(f"upstream asset {urn} ({hops} {'hop' if hops == 1 else 'hops'} up)")
    if past.incident_type == target.incident_type and past.custom_type == target.custom_type:
        score += SAME_TYPE
        kind = target.custom_type or target.incident_type
        reasons.append(f"same type {kind}")
    if target.source_urn is not None and past.source_urn == target.source_urn:
        score += SAME_SOURCE
        reasons.append(f"same source {target.source_urn}")
    if shared_words and target_words:
        score += SIMILAR_TEXT * min(1.0, len(shared_words) / target_words)
        reasons.append(
            f"similar text ({len(shared_words)} of {target_words} words: "
            + ", ".join(shared_words)
            + ")"
        )
    return Resemblance(score=round(score, 4), reasons=tuple(reasons))


def ranked(items: Sequence[tuple[Resemblance, int, int, T]], count: int) -> list[T]:
    """Highest score first; ties to the most recently resolved, then the newest incident."""
    ordered = sorted(items, key=lambda i: (-i[0].score, -i[1], -i[2]))
    return [i[3] for i in ordered if i[0].score > 0][:count]
