"""The incident lifecycle: acknowledgement, root cause, comments, followers, the timeline."""

from incident_graph.api.lifecycle.mutations import LifecycleMutations

__all__ = ["LifecycleMutations"]
