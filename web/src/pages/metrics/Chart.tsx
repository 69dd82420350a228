import { Group, Table, Text } from "@mantine/core";
import type { IncidentMetricsPageQuery } from "../../gql/graphql";

type Bucket = IncidentMetricsPageQuery["incidentMetrics"]["buckets"][number];

const WIDTH = 720;
const HEIGHT = 220;
const LEFT = 36;
const BOTTOM = 22;
// Mantine's red.8, teal.8 and indigo.7: each stands out from the others and from white.
const RAISED = "#e03131";
const RESOLVED = "#099268";
const ACTIVE = "#4263eb";

function label(ms: number, hourly: boolean): string {
  const date = new Date(ms);
  return hourly
    ? date.toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit" })
    : date.toLocaleDateString(undefined, { month: "short", day: "numeric" });
}

/** Raised and resolved per bucket as bars, active at each bucket's end as a line; the same
 * figures as a table for screen readers and for reading exact values. */
export function BucketChart(props: { buckets: Bucket[]; hourly: boolean }) {
  const { buckets, hourly } = props;
  const top = Math.max(1, ...buckets.flatMap((b) => [b.raised, b.resolved, b.activeAtEnd]));
  const plotWidth = WIDTH - LEFT;
  const plotHeight = HEIGHT - BOTTOM;
  const slot = plotWidth / Math.max(1, buckets.length);
  const bar = Math.max(1, slot / 2 - 1);
  const y = (n: number) => plotHeight - (n / top) * (plotHeight - 8);
  const line = buckets
    .map((b, i) => `${(LEFT + i * slot + slot / 2).toFixed(1)},${y(b.activeAtEnd).toFixed(1)}`)
    .join(" ");
  const [first, last] = [buckets[0], buckets.at(-1)];
  const summary =
    `${buckets.length} buckets: ${buckets.reduce((n, b) => n + b.raised, 0)} raised, ` +
    `${buckets.reduce((n, b) => n + b.resolved, 0)} resolved, ` +
    `${buckets.at(-1)?.activeAtEnd ?? 0} active at the end`;
  return (
    <>
      <Group gap="md">
        {[
          ["raised", RAISED],
          ["resolved", RESOLVED],
          ["active at the end", ACTIVE],
        ].map(([name, color]) => (
          <Group key={name} gap={4}>
            <span style={{ width: 12, height: 12, background: color, display: "inline-block" }} />
            <Text size="xs">{name}</Text>
          </Group>
        ))}
      </Group>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        role="img"
        aria-label={`Incidents per bucket: ${summary}`}
        data-testid="metrics-chart"
      >
        <line x1={LEFT} y1={plotHeight} x2={WIDTH} y2={plotHeight} stroke="#868e96" />
        <text x={LEFT - 4} y={y(top) + 4} fontSize="11" textAnchor="end" fill="#495057">
          {top}
        </text>
        <text x={LEFT - 4} y={plotHeight} fontSize="11" textAnchor="end" fill="#495057">
          0
        </text>
        {buckets.map((b, i) => {
          const x = LEFT + i * slot;
          return (
            <g key={b.start}>
              <rect x={x} y={y(b.raised)} width={bar} height={plotHeight - y(b.raised)} fill={RAISED} />
              <rect x={x + bar + 1} y={y(b.resolved)} width={bar} height={plotHeight - y(b.resolved)} fill={RESOLVED} />
            </g>
          );
        })}
        <polyline points={line} fill="none" stroke={ACTIVE} strokeWidth="2" />
        {first && last && (
          <>
            <text x={LEFT} y={HEIGHT - 6} fontSize="11" fill="#495057">
              {label(first.start, hourly)}
            </text>
            <text x={WIDTH} y={HEIGHT - 6} fontSize="11" textAnchor="end" fill="#495057">
              {label(last.start, hourly)}
            </text>
          </>
        )}
      </svg>
      <details>
        <summary>
          <Text span size="sm">
            The figures as a table
          </Text>
        </summary>
        <Table data-testid="metrics-buckets" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>From</Table.Th>
              <Table.Th>Raised</Table.Th>
              <Table.Th>Resolved</Table.Th>
              <Table.Th>Active at the end</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {buckets.map((b) => (
              <Table.Tr key={b.start}>
                <Table.Td>{label(b.start, hourly)}</Table.Td>
                <Table.Td>{b.raised}</Table.Td>
                <Table.Td>{b.resolved}</Table.Td>
                <Table.Td>{b.activeAtEnd}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </details>
    </>
  );
}
