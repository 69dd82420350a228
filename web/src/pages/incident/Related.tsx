import { Badge, Group, List, Paper, Stack, Text, Title } from "@mantine/core";
import { useGql } from "../../api/hooks";
import { AssetLink, ErrorNotice, IncidentLink, duration, personName, words } from "../../components/format";
import { HealthBadge } from "../../components/Health";
import { HandbookDocument, RelatedDocument } from "./documents";

/** What the incident touches downstream, and what was learnt from incidents like it. */
export function IncidentRelated(props: { urn: string; assetUrn: string | null }) {
  const related = useGql(RelatedDocument, { urn: props.urn });
  const handbook = useGql(HandbookDocument, { resourceUrn: props.assetUrn ?? "" }, { enabled: props.assetUrn !== null });
  return (
    <Stack>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="xs">
          Impacted downstream assets
        </Title>
        <ErrorNotice error={related.error} />
        {related.data &&
          (related.data.impactedAssets.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nothing downstream reads from this incident's assets.
            </Text>
          ) : (
            <List spacing={4} size="sm" data-testid="impacted-assets">
              {related.data.impactedAssets.map((impacted) => (
                <List.Item key={impacted.entity.urn}>
                  <Group gap={6}>
                    <AssetLink urn={impacted.entity.urn} name={impacted.entity.properties.name} />
                    <HealthBadge health={impacted.entity.health} />
                    <Text span size="xs" c="dimmed">
                      {impacted.depth} hop{impacted.depth === 1 ? "" : "s"} down
                      {impacted.owners.length > 0 && `, owned by ${impacted.owners.map((o) => personName(o.owner)).join(", ")}`}
                    </Text>
                  </Group>
                </List.Item>
              ))}
            </List>
          ))}
      </Paper>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="xs">
          Similar past incidents
        </Title>
        {related.data &&
          (related.data.similarIncidents.length === 0 ? (
            <Text size="sm" c="dimmed">
              No resolved incident is like this one yet.
            </Text>
          ) : (
            <Stack gap="xs" data-testid="similar-incidents">
              {related.data.similarIncidents.map((similar) => (
                <Stack key={similar.incident.urn} gap={2}>
                  <Group gap={6}>
                    <IncidentLink urn={similar.incident.urn} title={similar.incident.title} />
                    {similar.reasons.map((reason) => (
                      <Badge key={reason} size="xs" variant="light" color="gray" autoContrast>
                        {reason}
                      </Badge>
                    ))}
                  </Group>
                  {similar.incident.resolutionNote && <Text size="sm">{similar.incident.resolutionNote}</Text>}
                  <Text size="xs" c="dimmed">
                    {similar.incident.rootCause ? words(similar.incident.rootCause.category) : "no root cause"} · resolved
                    in {duration(similar.incident.timeToResolveMs)} · led by {personName(similar.incident.lead)}
                  </Text>
                </Stack>
              ))}
            </Stack>
          ))}
      </Paper>
      {props.assetUrn && (
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="xs">
            Handbook for this asset
          </Title>
          <ErrorNotice error={handbook.error} />
          {handbook.data &&
            (handbook.data.handbook.length === 0 ? (
              <Text size="sm" c="dimmed">
                No incident on this asset has been resolved with a root cause yet.
              </Text>
            ) : (
              <Stack gap="xs" data-testid="handbook">
                {handbook.data.handbook.map((entry) => (
                  <Stack key={entry.category} gap={2}>
                    <Text size="sm" fw={600}>
                      {words(entry.category)} ({entry.count})
                    </Text>
                    {entry.latestResolutionNote && <Text size="sm">{entry.latestResolutionNote}</Text>}
                    <Text size="xs">
                      Latest: <IncidentLink urn={entry.latestIncident.urn} title={entry.latestIncident.title} />
                    </Text>
                  </Stack>
                ))}
              </Stack>
            ))}
        </Paper>
      )}
    </Stack>
  );
}
