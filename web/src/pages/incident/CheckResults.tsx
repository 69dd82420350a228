import { Button, Group, Paper, Select, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useGql, useGqlMutation } from "../../api/hooks";
import { useSession } from "../../api/session";
import { CheckResultFacts, CheckStatusBadge } from "../../components/CheckResult";
import { ErrorNotice } from "../../components/format";
import { graphql } from "../../gql";

const IncidentCheckResultsDocument = graphql(`
  query IncidentCheckResults($urn: String!) {
    incident(urn: $urn) {
      urn
      checkResults(start: 0, count: 50) {
        total
        results { ...CheckResultParts }
      }
      entities {
        urn
        ... on DataAsset {
          checks { urn name latestResult { ...CheckResultParts } }
        }
      }
    }
  }
`);

const LinkResultsDocument = graphql(`
  mutation LinkResults($urn: String!, $ids: [String!]!) {
    linkCheckResults(urn: $urn, checkResultIds: $ids)
  }
`);

const UnlinkResultsDocument = graphql(`
  mutation UnlinkResults($urn: String!, $ids: [String!]!) {
    unlinkCheckResults(urn: $urn, checkResultIds: $ids)
  }
`);

/** The check runs the incident covers, newest first; writers link the latest runs of the
 * incident's assets' checks, or unlink one. */
export function IncidentCheckResults(props: { incidentUrn: string }) {
  const { canWrite } = useSession();
  const page = useGql(IncidentCheckResultsDocument, { urn: props.incidentUrn });
  const link = useGqlMutation(LinkResultsDocument);
  const unlink = useGqlMutation(UnlinkResultsDocument);
  const [choice, setChoice] = useState<string | null>(null);
  const incident = page.data?.incident;
  if (page.error) return <ErrorNotice error={page.error} />;
  if (!incident) return null;

  const linked = new Set(incident.checkResults.results.map((r) => r.id));
  const linkable = incident.entities.flatMap((entity) =>
    "checks" in entity
      ? entity.checks.flatMap((check) =>
          check.latestResult && !linked.has(check.latestResult.id)
            ? [{ value: check.latestResult.id, label: `${check.name ?? check.urn}: ${check.latestResult.status.toLowerCase()}, run ${check.latestResult.runId}` }]
            : [],
        )
      : [],
  );
  if (incident.checkResults.total === 0 && linkable.length === 0) return null;

  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        Check results ({incident.checkResults.total})
      </Title>
      <ErrorNotice error={link.error ?? unlink.error} title="Refused" />
      {incident.checkResults.total === 0 ? (
        <Text size="sm" c="dimmed">
          No check result is linked to this incident.
        </Text>
      ) : (
        <Stack gap="xs" data-testid="incident-check-results">
          {incident.checkResults.results.map((result) => (
            <Group key={result.id} justify="space-between" wrap="nowrap" align="start">
              <Stack gap={2}>
                <Group gap={6}>
                  <CheckStatusBadge status={result.status} />
                  <Text size="sm" fw={600}>{result.check.name ?? result.check.urn}</Text>
                </Group>
                <CheckResultFacts result={result} />
              </Stack>
              {canWrite && (
                <Button
                  size="xs"
                  variant="default"
                  style={{ flexShrink: 0 }}
                  aria-label={`Unlink run ${result.runId} of ${result.check.name ?? result.check.urn}`}
                  loading={unlink.isPending && unlink.variables.ids[0] === result.id}
                  onClick={() => unlink.mutate({ urn: props.incidentUrn, ids: [result.id] })}
                >
                  Unlink
                </Button>
              )}
            </Group>
          ))}
        </Stack>
      )}
      {canWrite && linkable.length > 0 && (
        <Group mt="sm" align="end">
          <Select label="Link a check's latest run" data={linkable} value={choice} onChange={setChoice} style={{ flex: 1 }} />
          <Button
            disabled={choice === null}
            loading={link.isPending}
            onClick={() => choice && link.mutate({ urn: props.incidentUrn, ids: [choice] }, { onSuccess: () => setChoice(null) })}
          >
            Link
          </Button>
        </Group>
      )}
    </Paper>
  );
}
