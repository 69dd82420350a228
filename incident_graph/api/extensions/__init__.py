"""Schema extensions, one per file."""

from incident_graph.api.extensions.input_type_aliases import InputTypeAliases

__all__ = ["InputTypeAliases"]
