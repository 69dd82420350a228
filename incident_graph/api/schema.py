"""The GraphQL schema: DataHub's incident API plus our additions."""

from __future__ import annotations

from functools import cache, partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import ParserCache
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from incident_graph.api.access import AccessMutations, AccessQueries
from incident_graph.api.access.types import CorpGroup, CorpUser
from incident_graph.api.assets import AssetMutations, AssetQueries, ImpactedAssetQueries
from incident_graph.api.assets.types import ASSET_CLASSES
from incident_graph.api.checks import AssertionMutations, CheckMutations, CheckQueries
from incident_graph.api.checks.types import Assertion
from incident_graph.api.entity import OtherEntity
from incident_graph.api.errors import is_internal, log
from incident_graph.api.extensions import (
    CompiledReads,
    InputTypeAliases,
    MaxAliasesLimit,
    MaxTokensLimit,
    QueryDepthLimit,
    RefuseNulText,
    TextValidationCache,
)
from incident_graph.api.handbook import HandbookQueries
from incident_graph.api.incidents import IncidentMutations, IncidentQueries, MyIncidentQueries
from incident_graph.api.incidents.inputs import UpdateIncidentStatusInput
from incident_graph.api.lifecycle import LifecycleMutations
from incident_graph.api.live import LiveSubscriptions
from incident_graph.api.metrics import MetricsQueries
from incident_graph.api.notifications import NotificationMutations, NotificationQueries
from incident_graph.api.operations import OperationMutations
from incident_graph.api.scalars import SCALARS
from incident_graph.api.search import AssetSearchQueries, IncidentSearchQueries
from incident_graph.config import Settings

# Distinct query texts kept parsed and validated; pipelines send a handful of shapes.
CACHE_SIZE = 1024


# Each feature contributes root-field classes; they merge into Query, Mutation and Subscription
# in this order, which is the order of the fields in the published schema.graphql (a feature
# whose fields are not adjacent there contributes more than one class).
QUERIES: tuple[type, ...] = (
    AssetQueries,
    IncidentQueries,
    AssetSearchQueries,
    ImpactedAssetQueries,
    MyIncidentQueries,
    NotificationQueries,
    HandbookQueries,
    IncidentSearchQueries,
    MetricsQueries,
    AccessQueries,
    CheckQueries,
)
SUBSCRIPTIONS: tuple[type, ...] = (LiveSubscriptions,)
MUTATIONS: tuple[type, ...] = (
    IncidentMutations,
    AssetMutations,
    LifecycleMutations,
    NotificationMutations,
    AccessMutations,
    CheckMutations,
    AssertionMutations,
    OperationMutations,
)


class IncidentSchema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # Refusals and bad requests are answers, not faults: log only the unexpected, with
        # the request id the client was given.
        context = execution_context.context if execution_context else None
        request_id = getattr(context, "request_id", "-")
        for error in errors:
            if is_internal(error):
                log.error(
                    "internal error (request id %s): %s",
                    request_id,
                    error.message,
                    exc_info=error.original_error,
                )


def build_schema(settings: Settings | None = None) -> IncidentSchema:
    """The schema with the request limits of `settings` (the defaults when None)."""
    limits = settings or Settings()
    return _schema(limits.max_tokens, limits.max_query_depth, limits.max_aliases)


@cache
def _schema(max_tokens: int, max_depth: int, max_aliases: int) -> IncidentSchema:
    # Built once per set of limits: building takes about 0.1 s (strawberry converts every type),
    # and a schema holds nothing of one app's: its extensions are made per request.
    return IncidentSchema(
        query=merge_types("Query", QUERIES),
        mutation=merge_types("Mutation", MUTATIONS),
        subscription=merge_types("Subscription", SUBSCRIPTIONS),
        types=[
            *ASSET_CLASSES.values(),
            CorpUser,
            CorpGroup,
            Assertion,
            OtherEntity,
            UpdateIncidentStatusInput,
        ],
        config=StrawberryConfig(scalar_map=SCALARS),
        # Factories, never instances: strawberry makes one extension per request.
        extensions=[
            partial(MaxTokensLimit, max_token_count=max_tokens),
            partial(QueryDepthLimit, max_depth=max_depth),
            partial(MaxAliasesLimit, max_aliases=max_aliases),
            InputTypeAliases,
            RefuseNulText,
            partial(ParserCache, maxsize=CACHE_SIZE),
            partial(TextValidationCache, maxsize=CACHE_SIZE),
            # Last: its on_execute runs after the others' checks (NUL text) have had their say.
            CompiledReads,
        ],
    )


def sdl() -> str:
    """The schema in SDL, as committed in schema.graphql (limits do not show in it)."""
    return build_schema().as_str() + "\n"
