"""Stop parsing documents longer than the configured token count (INCIDENT_GRAPH_MAX_TOKENS).

strawberry's MaxTokensLimiter hands the limit to graphql-core's parser, which aborts with a
bare syntax error; this adds the code, the limit's name and the setting to that refusal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter

from incident_graph.api.errors import BAD_USER_INPUT

# graphql-core's wording when the parser stops at max_tokens.
_PARSER_MESSAGE: Final = "Document contains more than"


class MaxTokensLimit(MaxTokensLimiter):
    def on_operation(self) -> Iterator[None]:
        self.execution_context.parse_options["max_tokens"] = self.max_token_count
        # ParserCache parses inside its own hook, so the parser's error arrives here raised;
        # without it, strawberry records the error instead. Either way the response carries
        # this very error object, so amending it in place is enough.
        try:
            yield
        except GraphQLError as raised:
            self._amend(raised)
            raise
        for recorded in self.execution_context.pre_execution_errors or ():
            self._amend(recorded)

    def _amend(self, error: GraphQLError) -> None:
        if _PARSER_MESSAGE in error.message:
            error.message = (
                f"the query has more than {self.max_token_count} tokens: shorten it, or split "
                f"it into several queries (the tokens limit is {self.max_token_count}, "
                "set by INCIDENT_GRAPH_MAX_TOKENS)"
            )
            error.extensions = {"code": BAD_USER_INPUT, "limit": "tokens"}


__all__ = ["MaxTokensLimit"]
