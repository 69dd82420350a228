"""Live updates: the incidentEvents subscription."""
