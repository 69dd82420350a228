"""DataHub's operations on datasets: reportOperation, and Dataset.operations."""

from incident_graph.api.operations.mutations import OperationMutations

__all__ = ["OperationMutations"]
