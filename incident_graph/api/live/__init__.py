"""Live updates: the incidentEvents subscription."""

from incident_graph.api.live.subscriptions import LiveSubscriptions

__all__ = ["LiveSubscriptions"]
