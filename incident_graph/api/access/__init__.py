"""Access: users, teams, tokens, privilege grants and the audit log."""

from incident_graph.api.access.mutations import AccessMutations
from incident_graph.api.access.queries import AccessQueries

__all__ = ["AccessMutations", "AccessQueries"]
