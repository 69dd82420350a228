"""The troubleshooting handbook: similar past incidents and an asset's root causes."""

from incident_graph.api.handbook.queries import HandbookQueries

__all__ = ["HandbookQueries"]
