"""Incidents: the Incident type, raising and updating, reading one by URN."""
