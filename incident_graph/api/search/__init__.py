"""Search: searchAcrossEntities over assets, searchIncidents over incidents."""

from incident_graph.api.search.queries import AssetSearchQueries, IncidentSearchQueries

__all__ = ["AssetSearchQueries", "IncidentSearchQueries"]
