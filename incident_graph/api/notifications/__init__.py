"""Notifications: channels, policies, deliveries and on-call schedules."""
