import { Alert, Anchor, Button, Checkbox, Group, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useState } from "react";
import { Link } from "wouter";
import { useGql, useGqlMutation } from "../../api/hooks";
import { useSession } from "../../api/session";
import { CheckResultFacts, CheckStatusBadge } from "../../components/CheckResult";
import { ErrorNotice, words } from "../../components/format";
import { graphql } from "../../gql";
import type { CheckType, IncidentType } from "../../gql/graphql";
import { incidentPath } from "../../paths";

const AssetChecksDocument = graphql(`
  query AssetChecks($urn: String!) {
    entity(urn: $urn) {
      urn
      ... on DataAsset {
        checks {
          urn
          name
          checkType
          platform { name }
          latestResult { ...CheckResultParts }
        }
      }
    }
  }
`);

const RaiseFromResultsDocument = graphql(`
  mutation RaiseFromResults($input: RaiseIncidentInput!) {
    raiseIncident(input: $input)
  }
`);

const FAILING = new Set(["FAIL", "WARN", "ERROR"]);

/** DataHub's raise needs a type: the checks' own when they share one (check and incident types
 * share their names), else OPERATIONAL (a CUSTOM check has no custom type to give). */
function raisedType(types: (CheckType | null | undefined)[]): IncidentType {
  const shared = new Set(types);
  const [only] = [...shared];
  return shared.size === 1 && only && only !== "CUSTOM" ? only : "OPERATIONAL";
}

/** The asset's checks with their latest runs; failing runs can be raised as one incident, as
 * Soda's "create incident" from selected failed checks does. */
export function AssetChecks(props: { assetUrn: string }) {
  const { canWrite } = useSession();
  const checks = useGql(AssetChecksDocument, { urn: props.assetUrn });
  const raise = useGqlMutation(RaiseFromResultsDocument);
  const [selected, setSelected] = useState<string[]>([]);
  const [raised, setRaised] = useState<string | null>(null);
  const entity = checks.data?.entity;
  const list = entity && "checks" in entity ? entity.checks : [];

  if (checks.error) return <ErrorNotice error={checks.error} />;
  if (list.length === 0) return null;

  function toggle(id: string, on: boolean) {
    setSelected((now) => (on ? [...now, id] : now.filter((x) => x !== id)));
  }

  function raiseFromSelected() {
    const chosen = list.filter((check) => check.latestResult && selected.includes(check.latestResult.id));
    const names = chosen.map((check) => check.name ?? check.urn);
    raise.mutate(
      { input: { type: raisedType(chosen.map((check) => check.checkType)), title: `Failing checks: ${names.join(", ")}`, checkResultIds: selected } },
      {
        onSuccess: (data) => {
          setRaised(data.raiseIncident);
          setSelected([]);
        },
      },
    );
  }

  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          Checks
        </Title>
        {canWrite && (
          <Button size="xs" color="red.9" disabled={selected.length === 0} loading={raise.isPending} onClick={raiseFromSelected}>
            Raise incident from {selected.length || "selected"} result{selected.length === 1 ? "" : "s"}
          </Button>
        )}
      </Group>
      {raised && (
        <Alert color="indigo" title="Incident raised" withCloseButton onClose={() => setRaised(null)} mb="xs">
          <Anchor component={Link} href={incidentPath(raised)}>
            Open the new incident
          </Anchor>
        </Alert>
      )}
      <ErrorNotice error={raise.error} title="Refused" />
      <Table data-testid="asset-checks">
        <Table.Caption>The latest run of each check on this asset</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {canWrite && <Table.Th><Text span size="xs">Select</Text></Table.Th>}
            <Table.Th>Check</Table.Th>
            <Table.Th>Latest run</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.map((check) => {
            const result = check.latestResult;
            const name = check.name ?? check.urn;
            return (
              <Table.Tr key={check.urn}>
                {canWrite && (
                  <Table.Td>
                    {result && FAILING.has(result.status) && (
                      <Checkbox
                        aria-label={`Select the failing run of ${name}`}
                        checked={selected.includes(result.id)}
                        onChange={(event) => toggle(result.id, event.currentTarget.checked)}
                      />
                    )}
                  </Table.Td>
                )}
                <Table.Td>
                  <Stack gap={0}>
                    <Text size="sm" fw={600}>{name}</Text>
                    <Text size="xs" c="dimmed">
                      {check.checkType ? words(check.checkType) : "check"}
                      {check.platform && ` · ${check.platform.name}`}
                    </Text>
                  </Stack>
                </Table.Td>
                <Table.Td>
                  {result ? (
                    <Stack gap={2}>
                      <CheckStatusBadge status={result.status} />
                      <CheckResultFacts result={result} />
                    </Stack>
                  ) : (
                    <Text size="sm" c="dimmed">not run yet</Text>
                  )}
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
