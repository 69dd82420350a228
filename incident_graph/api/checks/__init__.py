"""Checks (DataHub: assertions) and their results: report, policy, links, reads."""

from incident_graph.api.checks.datahub_mutations import AssertionMutations
from incident_graph.api.checks.mutations import CheckMutations
from incident_graph.api.checks.queries import CheckQueries

__all__ = ["AssertionMutations", "CheckMutations", "CheckQueries"]
