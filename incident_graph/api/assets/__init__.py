"""Data assets: the asset types, their catalog facts and health, upserts and lineage impact."""

from incident_graph.api.assets.mutations import AssetMutations
from incident_graph.api.assets.queries import AssetQueries, ImpactedAssetQueries

__all__ = ["AssetMutations", "AssetQueries", "ImpactedAssetQueries"]
