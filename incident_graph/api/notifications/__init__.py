"""Notifications: channels, policies, deliveries and on-call schedules."""

from incident_graph.api.notifications.mutations import NotificationMutations
from incident_graph.api.notifications.queries import NotificationQueries

__all__ = ["NotificationMutations", "NotificationQueries"]
