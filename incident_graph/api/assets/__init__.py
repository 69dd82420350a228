"""Data assets: the asset types, their catalog facts and health, upserts and lineage impact."""
