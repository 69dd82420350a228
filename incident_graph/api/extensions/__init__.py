"""Schema extensions, one per file."""

from incident_graph.api.extensions.compiled_reads import CompiledReads
from incident_graph.api.extensions.input_type_aliases import InputTypeAliases
from incident_graph.api.extensions.max_aliases import MaxAliasesLimit
from incident_graph.api.extensions.max_tokens import MaxTokensLimit
from incident_graph.api.extensions.nul_text import RefuseNulText
from incident_graph.api.extensions.query_depth import QueryDepthLimit
from incident_graph.api.extensions.validation_cache import TextValidationCache

__all__ = [
    "CompiledReads",
    "InputTypeAliases",
    "MaxAliasesLimit",
    "MaxTokensLimit",
    "QueryDepthLimit",
    "RefuseNulText",
    "TextValidationCache",
]
