"""The request's DataLoaders: one group per feature, each group made on first use."""

from __future__ import annotations

from functools import cached_property

from incident_graph.api.access.loaders import DirectoryLoaders
from incident_graph.api.assets.loaders import AssetLoaders
from incident_graph.api.checks.loaders import CheckLoaders
from incident_graph.api.incidents.loaders import IncidentLoaders
from incident_graph.api.lifecycle.loaders import LifecycleLoaders
from incident_graph.store import Database


class Loaders:
    """DataLoaders for one request; never shared between requests."""

    def __init__(self, db: Database, *, lineage_depth: int = 10) -> None:
        self._db = db
        self._lineage_depth = lineage_depth

    # Made on first use: most requests touch one or two groups, and making every loader for
    # every request showed in the profile of a trivial query.
    @cached_property
    def incidents(self) -> IncidentLoaders:
        return IncidentLoaders(self._db)

    @cached_property
    def assets(self) -> AssetLoaders:
        return AssetLoaders(self._db, lineage_depth=self._lineage_depth)

    @cached_property
    def lifecycle(self) -> LifecycleLoaders:
        return LifecycleLoaders(self._db)

    @cached_property
    def checks(self) -> CheckLoaders:
        return CheckLoaders(self._db)

    @cached_property
    def directory(self) -> DirectoryLoaders:
        return DirectoryLoaders(self._db)


__all__ = ["Loaders"]
