"""incident-graph: a DataHub-compatible incident service for data assets."""

__version__ = "0.1.0"
__all__ = ["__version__"]
