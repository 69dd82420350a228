"""Incidents: the Incident type, raising and updating, reading them by URN."""

from incident_graph.api.incidents.mutations import IncidentMutations
from incident_graph.api.incidents.queries import IncidentQueries, MyIncidentQueries

__all__ = ["IncidentMutations", "IncidentQueries", "MyIncidentQueries"]
