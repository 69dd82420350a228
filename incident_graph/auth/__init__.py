"""Tokens, principals and roles."""

from incident_graph.auth.principal import Principal
from incident_graph.auth.tokens import hash_secret, matches, new_secret

__all__ = ["Principal", "hash_secret", "matches", "new_secret"]
