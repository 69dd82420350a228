"""`incident-graph gate`: may a pipeline step run? Asks a running server about assets' health.

Exit 0 when every asset is healthy, 1 with one line per reason when not (an active incident,
a failing check, with --upstream an upstream asset with an active incident), 2 when it cannot
tell (server down, bad token, bad URN): a step must not run on a guess, and a shell can tell
"blocked" from "broken".
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any, Final

import httpx

HEALTHY: Final = 0
UNHEALTHY: Final = 1
UNKNOWN: Final = 2

QUERY: Final = """query gate($urn: String!) { entity(urn: $urn) { urn ... on DataAsset {
  health { type status message
    activeIncidentHealthDetails { activeIncidentUrns }
    upstreamIncidentHealthDetails { assets { urn incidentUrns } }
    assertionHealthDetails { failingAssertionUrns }
  } } } }"""


@dataclass(frozen=True, slots=True)
class Reason:
    urn: str
    kind: str  # ACTIVE_INCIDENT | FAILING_CHECK | UNHEALTHY_UPSTREAM
    subject: str

    def line(self) -> str:
        what = {
            "ACTIVE_INCIDENT": "active incident",
            "FAILING_CHECK": "failing check",
            "UNHEALTHY_UPSTREAM": "unhealthy upstream",
        }[self.kind]
        return f"{self.urn}: {what} {self.subject}"


@dataclass(slots=True)
class Verdict:
    reasons: list[Reason] = field(default_factory=list)
    # Assets the server has never heard of: nothing is known against them.
    unknown: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return UNKNOWN
        return UNHEALTHY if self.reasons else HEALTHY


class CannotTellError(Exception):
    """The server could not be asked, or refused the question."""


def reasons_of(urn: str, health: list[dict[str, Any]], *, upstream: bool) -> list[Reason]:
    """The reasons one asset's health entries give to hold a step back."""
    out: list[Reason] = []
    for entry in health:
        if entry.get("status") != "FAIL":
            continue
        kind = entry.get("type")
        if kind == "INCIDENTS":
            details = entry.get("activeIncidentHealthDetails") or {}
            out += [
                Reason(urn, "ACTIVE_INCIDENT", u) for u in details.get("activeIncidentUrns", [])
            ]
        elif kind == "ASSERTIONS":
            details = entry.get("assertionHealthDetails") or {}
            out += [
                Reason(urn, "FAILING_CHECK", u) for u in details.get("failingAssertionUrns", [])
            ]
        elif kind == "UPSTREAM_INCIDENTS" and upstream:
            details = entry.get("upstreamIncidentHealthDetails") or {}
            out += [
                Reason(urn, "UNHEALTHY_UPSTREAM", f"{a['urn']} ({', '.join(a['incidentUrns'])})")
                for a in details.get("assets", [])
            ]
    return out


def _ask(client: httpx.Client, urn: str) -> dict[str, Any] | None:
    try:
        response = client.post("/api/graphql", json={"query": QUERY, "variables": {"urn": urn}})
    except httpx.HTTPError as exc:
        raise CannotTellError(f"cannot reach the server at {client.base_url}: {exc}") from exc
    try:
        body = response.json()
    except ValueError as exc:
        raise CannotTellError(
            f"the server at {client.base_url} answered HTTP {response.status_code}, not GraphQL"
        ) from exc
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors:
        code = (errors[0].get("extensions") or {}).get("code", "ERROR")
        raise CannotTellError(f"{code}: {errors[0].get('message')}")
    if response.status_code != 200:
        raise CannotTellError(f"the server answered HTTP {response.status_code}")
    entity = body["data"]["entity"]
    return entity if isinstance(entity, dict) else None


def check(
    urns: list[str], *, server: str, token: str | None, upstream: bool, timeout_s: float = 10.0
) -> Verdict:
    """Ask the server about each asset; any failure to ask makes the verdict unknown."""
    # The CLI logs at INFO; a gate's stderr is its reasons, not one httpx line per request.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    verdict = Verdict()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with httpx.Client(base_url=server, headers=headers, timeout=timeout_s) as client:
            for urn in urns:
                entity = _ask(client, urn)
                if entity is None:
                    verdict.unknown.append(urn)
                    continue
                verdict.reasons += reasons_of(urn, entity.get("health") or [], upstream=upstream)
    except CannotTellError as exc:
        verdict.error = str(exc)
    return verdict


def render(verdict: Verdict, *, as_json: bool) -> tuple[str, str]:
    """What to print on stdout and on stderr."""
    if as_json:
        body = {
            "healthy": verdict.exit_code == HEALTHY,
            "reasons": [asdict(r) for r in verdict.reasons],
            "unknown": verdict.unknown,
            "error": verdict.error,
        }
        return json.dumps(body, sort_keys=True), ""
    if verdict.error is not None:
        return "", f"gate: cannot tell: {verdict.error}"
    notes = "\n".join(
        f"{u}: not known to the server (no incidents or checks)" for u in verdict.unknown
    )
    return "\n".join(r.line() for r in verdict.reasons), notes
