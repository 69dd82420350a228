"""DataHub's catalog shapes this server does not keep: glossary terms, domains, containers.

Fields of these types answer null, as DataHub answers for an asset without them, so DataHub's
own queries (the `datahub search` CLI's default selection, say) read as they would there. Each
type has DataHub's key fields with DataHub's types. Their `properties` (and a container's
`platform`) are left out on purpose: DataHub types them nullable (non-null), and a query that
selects them beside an asset's `properties: AssetProperties!` (nullable `platform`) in one
selection set would then fail GraphQL's rule that such fields have the same shape; DataHub's
clients leave out the fields a server lacks.
"""

from __future__ import annotations

import strawberry

from incident_graph.api.entity import Entity


@strawberry.type(description="A business glossary term (DataHub's); not kept here.")
class GlossaryTerm(Entity):
    name: str = strawberry.field(deprecation_reason="Use properties.name instead.")


@strawberry.type(description="A glossary term on an entity (DataHub's).")
class GlossaryTermAssociation:
    term: GlossaryTerm
    associated_urn: str


@strawberry.type(description="The glossary terms on an entity (DataHub's).")
class GlossaryTerms:
    terms: list[GlossaryTermAssociation] | None


@strawberry.type(description="A domain, a grouping of assets (DataHub's); not kept here.")
class Domain(Entity):
    id: str


@strawberry.type(description="The domain of an entity (DataHub's).")
class DomainAssociation:
    domain: Domain
    associated_urn: str


@strawberry.type(description="A container of assets, a database or schema (DataHub's); not kept.")
class Container(Entity):
    pass


__all__ = [
    "Container",
    "Domain",
    "DomainAssociation",
    "GlossaryTerm",
    "GlossaryTermAssociation",
    "GlossaryTerms",
]
