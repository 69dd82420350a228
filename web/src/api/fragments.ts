import { graphql } from "../gql";

// Fields every list of incidents shows, and every health display reads.
export const IncidentRowFragment = graphql(`
  fragment IncidentRow on Incident {
    urn
    title
    incidentType
    customType
    priority
    version
    incidentStatus {
      state
      stage
      message
      lastUpdated { time actor }
    }
    created { time actor }
    lead { urn username displayName }
    assignees {
      ... on CorpUser { urn username displayName }
      ... on CorpGroup { urn name displayName }
    }
    entity {
      urn
      type
      ... on DataAsset { properties { name } platform { name } }
    }
  }
`);

export const HealthFragment = graphql(`
  fragment HealthParts on DataAsset {
    health {
      type
      status
      message
      causes
      activeIncidentHealthDetails { count latestIncidentUrn latestIncidentTitle }
      upstreamIncidentHealthDetails { count assets { urn depth incidentUrns } }
    }
  }
`);
