import { graphql } from "../../gql";

export const IncidentPageDocument = graphql(`
  query IncidentPage($urn: String!) {
    incident(urn: $urn) {
      ...IncidentRow
      description
      startedAt
      source { type source { urn } }
      entities { urn type ... on DataAsset { properties { name } } }
      acknowledged { time actor }
      resolved { time actor }
      resolutionNote
      rootCause { category detail }
      timeToAcknowledgeMs
      timeToResolveMs
      subscribers {
        reason
        since
        subscriber {
          ... on CorpUser { urn username displayName }
          ... on CorpGroup { urn name displayName }
        }
      }
      timeline(start: 0, count: 200) {
        total
        events { kind actor time commentId changes { field oldValue newValue } }
      }
      comments(start: 0, count: 200) {
        total
        comments { id text mentions created { time actor } edited { time actor } }
      }
    }
  }
`);

export const AcknowledgeDocument = graphql(`
  mutation Acknowledge($urn: String!, $version: Int) {
    acknowledgeIncident(urn: $urn, expectedVersion: $version)
  }
`);

export const UpdateStatusDocument = graphql(`
  mutation UpdateStatus($urn: String!, $input: IncidentStatusInput!, $version: Int) {
    updateIncidentStatus(urn: $urn, input: $input, expectedVersion: $version)
  }
`);

export const UpdateIncidentDocument = graphql(`
  mutation UpdateIncident($urn: String!, $input: UpdateIncidentInput!, $version: Int) {
    updateIncident(urn: $urn, input: $input, expectedVersion: $version)
  }
`);

export const SetRootCauseDocument = graphql(`
  mutation SetRootCause($urn: String!, $rootCause: IncidentRootCauseInput!, $version: Int) {
    setIncidentRootCause(urn: $urn, rootCause: $rootCause, expectedVersion: $version)
  }
`);

export const AddCommentDocument = graphql(`
  mutation AddComment($urn: String!, $text: String!) {
    addIncidentComment(urn: $urn, text: $text)
  }
`);

export const EditCommentDocument = graphql(`
  mutation EditComment($urn: String!, $commentId: String!, $text: String!) {
    editIncidentComment(urn: $urn, commentId: $commentId, text: $text)
  }
`);

export const FollowDocument = graphql(`
  mutation Follow($urn: String!) {
    subscribeToIncident(urn: $urn)
  }
`);

export const UnfollowDocument = graphql(`
  mutation Unfollow($urn: String!) {
    unsubscribeFromIncident(urn: $urn)
  }
`);

export const RelatedDocument = graphql(`
  query IncidentRelated($urn: String!) {
    impactedAssets(incidentUrn: $urn, depth: 3) {
      depth
      entity { urn type ...HealthParts properties { name } }
      owners {
        type
        owner {
          ... on CorpUser { urn username displayName }
          ... on CorpGroup { urn name displayName }
        }
      }
    }
    similarIncidents(urn: $urn, count: 5) {
      score
      reasons
      incident {
        urn
        title
        resolutionNote
        rootCause { category detail }
        timeToResolveMs
        lead { urn username displayName }
      }
    }
  }
`);

export const HandbookDocument = graphql(`
  query Handbook($resourceUrn: String!) {
    handbook(resourceUrn: $resourceUrn) {
      category
      count
      latestResolutionNote
      latestIncident { urn title }
    }
  }
`);
