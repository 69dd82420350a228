import { Badge, Group, List, Stack, Text } from "@mantine/core";
import type { HealthPartsFragment } from "../gql/graphql";
import { AssetLink, IncidentLink, words } from "./format";

type Health = NonNullable<HealthPartsFragment["health"]>[number];

/** Healthy, warning or failing, worst entry first: the asset's headline health. */
export function overallStatus(health: Health[] | null | undefined): "PASS" | "WARN" | "FAIL" {
  const statuses = new Set((health ?? []).map((h) => h.status));
  if (statuses.has("FAIL")) return "FAIL";
  if (statuses.has("WARN")) return "WARN";
  return "PASS";
}

const LABELS = { PASS: "healthy", WARN: "warning", FAIL: "unhealthy" } as const;
const COLORS = { PASS: "teal", WARN: "yellow", FAIL: "red" } as const;
// Filled badges take the darkest shades, so white text on them meets WCAG AA.
const FILLED = { PASS: "teal.9", WARN: "yellow.4", FAIL: "red.9" } as const;

export function HealthBadge(props: { health: Health[] | null | undefined }) {
  const status = overallStatus(props.health);
  return (
    <Badge color={FILLED[status]} variant="filled" autoContrast data-health={status}>
      {LABELS[status]}
    </Badge>
  );
}

/** Each health entry with why it fails: the active incidents, the upstream assets. */
export function HealthCauses(props: { health: Health[] | null | undefined }) {
  const entries = props.health ?? [];
  if (entries.length === 0) return <Text c="dimmed">No health information.</Text>;
  return (
    <Stack gap="xs">
      {entries.map((entry) => (
        <Stack key={entry.type} gap={4} data-health-type={entry.type}>
          <Group gap="xs">
            <Badge color={COLORS[entry.status]} variant="light" autoContrast>
              {LABELS[entry.status]}
            </Badge>
            <Text fw={600} size="sm">
              {words(entry.type)}
            </Text>
            {entry.message && (
              <Text size="sm" c="dimmed">
                {entry.message}
              </Text>
            )}
          </Group>
          {entry.activeIncidentHealthDetails && entry.activeIncidentHealthDetails.count > 0 && (
            <Text size="sm">
              {entry.activeIncidentHealthDetails.count} active; latest:{" "}
              {entry.activeIncidentHealthDetails.latestIncidentUrn && (
                <IncidentLink
                  urn={entry.activeIncidentHealthDetails.latestIncidentUrn}
                  title={entry.activeIncidentHealthDetails.latestIncidentTitle}
                />
              )}
            </Text>
          )}
          {entry.upstreamIncidentHealthDetails && entry.upstreamIncidentHealthDetails.count > 0 && (
            <List size="sm">
              {entry.upstreamIncidentHealthDetails.assets.map((asset) => (
                <List.Item key={asset.urn}>
                  <AssetLink urn={asset.urn} /> ({asset.depth} hop{asset.depth === 1 ? "" : "s"} up,{" "}
                  {asset.incidentUrns.length} active)
                </List.Item>
              ))}
            </List>
          )}
        </Stack>
      ))}
    </Stack>
  );
}
