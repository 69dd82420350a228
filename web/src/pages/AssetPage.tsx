import { Badge, Grid, Group, List, Loader, Pagination, Paper, SegmentedControl, Stack, Text, Title } from "@mantine/core";
import { useState } from "react";
import { useGql } from "../api/hooks";
import { useSession } from "../api/session";
import { useLiveEvents } from "../api/useLiveEvents";
import { AssetLink, ErrorNotice, personName, words } from "../components/format";
import { HealthBadge, HealthCauses } from "../components/Health";
import { IncidentTable } from "../components/IncidentTable";
import { LiveIndicator } from "../components/LiveIndicator";
import { BadgeEmbed } from "../components/BadgeEmbed";
import { graphql } from "../gql";
import type { IncidentState } from "../gql/graphql";
import { decodeUrn } from "../paths";
import { AssetChecks } from "./asset/Checks";
import { RaiseDialog } from "./asset/RaiseDialog";
import { ResolveButton } from "./incident/Actions";

const PAGE = 10;

const AssetPageDocument = graphql(`
  query AssetPage($urn: String!, $state: IncidentState, $start: Int) {
    entity(urn: $urn) {
      urn
      type
      ... on DataAsset {
        ...HealthParts
        properties { name description }
        platform { name }
        deletedAt
        ownership {
          owners {
            type
            owner {
              ... on CorpUser { urn username displayName }
              ... on CorpGroup { urn name displayName }
            }
          }
        }
        tags { tags { tag { urn name } } }
        upstreams(depth: 1) { urn properties { name } ...HealthParts }
        downstreams(depth: 1) { urn properties { name } ...HealthParts }
        incidents(state: $state, start: $start, count: 10) {
          total
          incidents { ...IncidentRow }
        }
      }
    }
  }
`);

function Neighbours(props: { title: string; assets: { urn: string; properties: { name: string }; health?: Parameters<typeof HealthBadge>[0]["health"] }[] }) {
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h4" mb="xs">
        {props.title}
      </Title>
      {props.assets.length === 0 ? (
        <Text size="sm" c="dimmed">
          None known.
        </Text>
      ) : (
        <List spacing={4} size="sm">
          {props.assets.map((asset) => (
            <List.Item key={asset.urn}>
              <Group gap={6}>
                <AssetLink urn={asset.urn} name={asset.properties.name} />
                <HealthBadge health={asset.health} />
              </Group>
            </List.Item>
          ))}
        </List>
      )}
    </Paper>
  );
}

export function AssetPage(props: { segment: string }) {
  const urn = decodeUrn(props.segment);
  const { canWrite } = useSession();
  const [state, setState] = useState<IncidentState>("ACTIVE");
  const [pageNumber, setPageNumber] = useState(1);
  const page = useGql(AssetPageDocument, { urn, state, start: (pageNumber - 1) * PAGE });
  const live = useLiveEvents({ assetUrns: [urn] }, ["AssetPage", "AssetChecks"]);

  if (page.isPending) return <Loader aria-label="Loading the asset" />;
  if (page.error) return <ErrorNotice error={page.error} />;
  const entity = page.data.entity;
  const asset = entity && "properties" in entity ? entity : null;

  return (
    <Stack>
      <Group justify="space-between" align="start">
        <Stack gap={4}>
          <Title order={1} size="h2" style={{ wordBreak: "break-word" }}>
            {asset?.properties.name ?? urn}
          </Title>
          <Group gap="xs">
            {asset && <HealthBadge health={asset.health} />}
            {asset?.platform && <Badge variant="outline" color="gray">{asset.platform.name}</Badge>}
            {asset?.deletedAt != null && <Badge color="gray">deleted from the catalog</Badge>}
            <Text size="xs" c="dimmed" style={{ wordBreak: "break-all" }}>
              {urn}
            </Text>
          </Group>
        </Stack>
        <Group gap="xs">
          <LiveIndicator status={live} />
          {canWrite && <RaiseDialog assetUrn={urn} />}
        </Group>
      </Group>
      {!asset && (
        <Text>
          No incident names this asset and the catalog does not know it yet. Raising an incident on it
          registers it.
        </Text>
      )}
      {asset && (
        <Grid>
          <Grid.Col span={{ base: 12, md: 8 }}>
            <Stack>
              {asset.properties.description && <Text>{asset.properties.description}</Text>}
              <Paper withBorder p="md">
                <Title order={2} size="h4" mb="xs">
                  Health
                </Title>
                <HealthCauses health={asset.health} />
                <BadgeEmbed assetUrn={urn} />
              </Paper>
              <AssetChecks assetUrn={urn} />
              <Paper withBorder p="md">
                <Group justify="space-between" mb="xs">
                  <Title order={2} size="h4">
                    Incidents
                  </Title>
                  <SegmentedControl
                    aria-label="Which incidents"
                    data={[
                      { value: "ACTIVE", label: "Active" },
                      { value: "RESOLVED", label: "Resolved" },
                    ]}
                    value={state}
                    onChange={(value) => {
                      setState(value as IncidentState);
                      setPageNumber(1);
                    }}
                  />
                </Group>
                {asset.incidents && asset.incidents.incidents.length > 0 ? (
                  <>
                    <IncidentTable
                      incidents={asset.incidents.incidents}
                      caption={`${words(state)} incidents on this asset`}
                      actions={
                        canWrite && state === "ACTIVE"
                          ? (incident) => <ResolveButton urn={incident.urn} version={incident.version} size="xs" />
                          : undefined
                      }
                    />
                    {asset.incidents.total > PAGE && (
                      <Pagination
                        mt="sm"
                        total={Math.ceil(asset.incidents.total / PAGE)}
                        value={pageNumber}
                        onChange={setPageNumber}
                        getControlProps={(control) => ({ "aria-label": `${control} page` })}
                      />
                    )}
                  </>
                ) : (
                  <Text size="sm" c="dimmed">
                    No {words(state)} incidents.
                  </Text>
                )}
              </Paper>
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Stack>
              <Paper withBorder p="md">
                <Title order={2} size="h4" mb="xs">
                  Owners
                </Title>
                {(asset.ownership?.owners ?? []).length === 0 ? (
                  <Text size="sm" c="dimmed">No owners recorded.</Text>
                ) : (
                  <List size="sm">
                    {(asset.ownership?.owners ?? []).map((owner) => (
                      <List.Item key={owner.owner.urn}>
                        {personName(owner.owner)} <Text span size="xs" c="dimmed">({words(owner.type)})</Text>
                      </List.Item>
                    ))}
                  </List>
                )}
                <Title order={2} size="h4" mt="md" mb="xs">
                  Tags
                </Title>
                <Group gap={4}>
                  {(asset.tags?.tags ?? []).length === 0 && <Text size="sm" c="dimmed">No tags.</Text>}
                  {(asset.tags?.tags ?? []).map((t) => (
                    <Badge key={t.tag.urn} variant="light" color="gray" autoContrast>
                      {t.tag.name}
                    </Badge>
                  ))}
                </Group>
              </Paper>
              <Neighbours title="Upstream" assets={asset.upstreams} />
              <Neighbours title="Downstream" assets={asset.downstreams} />
            </Stack>
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}
