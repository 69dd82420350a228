"""Notifications (outbox, delivery); see the notifications issue."""
