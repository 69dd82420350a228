"""Incident metrics: incidentMetrics, counts and durations over a time range."""

from incident_graph.api.metrics.queries import MetricsQueries

__all__ = ["MetricsQueries"]
