"""Checks (DataHub: assertions) and their results: report, policy, links, reads."""

from incident_graph.api.checks.mutations import CheckMutations
from incident_graph.api.checks.queries import CheckQueries

__all__ = ["CheckMutations", "CheckQueries"]
