import { Group, Loader, Paper, Progress, SegmentedControl, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useLocation, useSearch } from "wouter";
import { useGql } from "../api/hooks";
import { ErrorNotice, duration, words } from "../components/format";
import { graphql } from "../gql";
import type { IncidentMetricsPageQuery, MetricsBucket } from "../gql/graphql";
import { paths } from "../paths";
import { BucketChart } from "./metrics/Chart";

const IncidentMetricsPageDocument = graphql(`
  query IncidentMetricsPage($input: IncidentMetricsInput!) {
    incidentMetrics(input: $input) {
      activeAtStart
      raised
      resolved
      buckets { start end raised resolved activeAtEnd }
      byState { value count }
      byPriority { value count }
      byType { value count }
      bySource { value count }
      byPlatform { value count }
      byTeam { value count }
      timeToAcknowledge { count medianMs p90Ms meanMs }
      timeToResolve { count medianMs p90Ms meanMs }
    }
  }
`);

type Metrics = IncidentMetricsPageQuery["incidentMetrics"];
type Counts = Metrics["byState"];
type Durations = Metrics["timeToResolve"];

const HOUR = 3_600_000;
// Each range with the bucket that draws it best; another bucket can be chosen.
const RANGES = {
  "24h": { label: "24 hours", hours: 24, bucket: "HOUR" },
  "7d": { label: "7 days", hours: 7 * 24, bucket: "DAY" },
  "30d": { label: "30 days", hours: 30 * 24, bucket: "DAY" },
  "90d": { label: "90 days", hours: 90 * 24, bucket: "WEEK" },
} as const;
type RangeKey = keyof typeof RANGES;
const BUCKETS: MetricsBucket[] = ["HOUR", "DAY", "WEEK"];
const BUCKET_LABELS: Record<MetricsBucket, string> = { HOUR: "an hour", DAY: "a day", WEEK: "a week" };

function isRange(value: string | null): value is RangeKey {
  return value !== null && value in RANGES;
}

/** The range and bucket, kept in the URL (`?range=30d&bucket=DAY`) so a view can be shared. */
function useView(): { range: RangeKey; bucket: MetricsBucket; show: (range: RangeKey, bucket: MetricsBucket) => void } {
  const params = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const wanted = params.get("range");
  const range: RangeKey = isRange(wanted) ? wanted : "30d";
  const chosen = params.get("bucket") as MetricsBucket | null;
  const bucket = chosen && BUCKETS.includes(chosen) ? chosen : RANGES[range].bucket;
  return {
    range,
    bucket,
    show: (r, b) => navigate(`${paths.metrics}?range=${r}&bucket=${b}`),
  };
}

function Mix(props: { title: string; counts: Counts; total: number; named?: (value: string) => string }) {
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb="xs">
        {props.title}
      </Title>
      {props.counts.length === 0 ? (
        <Text size="sm" c="dimmed">
          None.
        </Text>
      ) : (
        <Stack gap={6} data-mix={props.title}>
          {props.counts.map((c) => {
            const name = c.value === null ? "not set" : (props.named ?? words)(c.value);
            return (
              <Stack key={c.value ?? ""} gap={2}>
                <Group justify="space-between" gap="xs">
                  <Text size="sm">{name}</Text>
                  <Text size="sm" fw={600}>
                    {c.count}
                  </Text>
                </Group>
                <Progress
                  value={props.total ? (100 * c.count) / props.total : 0}
                  size="sm"
                  aria-label={`${props.title}: ${name}, ${c.count} of ${props.total}`}
                />
              </Stack>
            );
          })}
        </Stack>
      )}
    </Paper>
  );
}

function Stat(props: { label: string; value: string | number }) {
  return (
    <Paper withBorder p="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {props.label}
      </Text>
      <Text size="xl" fw={700} data-stat={props.label}>
        {props.value}
      </Text>
    </Paper>
  );
}

function Took(props: { title: string; durations: Durations }) {
  const d = props.durations;
  return (
    <Paper withBorder p="md">
      <Title order={3} size="h5" mb="xs">
        {props.title}
      </Title>
      {d.count === 0 ? (
        <Text size="sm" c="dimmed">
          No incident to measure in this range.
        </Text>
      ) : (
        <SimpleGrid cols={3} spacing="xs" data-durations={props.title}>
          <Stat label="median" value={duration(d.medianMs)} />
          <Stat label="p90" value={duration(d.p90Ms)} />
          <Stat label="mean" value={duration(d.meanMs)} />
        </SimpleGrid>
      )}
      <Text size="xs" c="dimmed" mt={4}>
        over {d.count} incident{d.count === 1 ? "" : "s"}
      </Text>
    </Paper>
  );
}

export function MetricsPage() {
  const { range, bucket, show } = useView();
  // The range ends at the next full hour, so the same view asks the same question for an hour.
  const to = Math.ceil(Date.now() / HOUR) * HOUR;
  const from = to - RANGES[range].hours * HOUR;
  const metrics = useGql(IncidentMetricsPageDocument, { input: { from, to, bucket } });
  const m = metrics.data?.incidentMetrics;
  return (
    <Stack>
      <Title order={1}>Metrics</Title>
      <Group gap="md" align="end">
        <Stack gap={2}>
          <Text size="sm" fw={500} id="range-label">
            Range: the last
          </Text>
          <SegmentedControl
            aria-labelledby="range-label"
            value={range}
            onChange={(r) => show(r as RangeKey, RANGES[r as RangeKey].bucket)}
            data={Object.entries(RANGES).map(([value, r]) => ({ value, label: r.label }))}
          />
        </Stack>
        <Stack gap={2}>
          <Text size="sm" fw={500} id="bucket-label">
            Each bar
          </Text>
          <SegmentedControl
            aria-labelledby="bucket-label"
            value={bucket}
            onChange={(b) => show(range, b as MetricsBucket)}
            data={BUCKETS.map((b) => ({ value: b, label: BUCKET_LABELS[b] }))}
          />
        </Stack>
      </Group>
      <ErrorNotice error={metrics.error} />
      {metrics.isPending && <Loader aria-label="Loading the metrics" />}
      {m && (
        <>
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
            <Stat label="raised" value={m.raised} />
            <Stat label="resolved" value={m.resolved} />
            <Stat label="active at the start" value={m.activeAtStart} />
            <Stat label="active now" value={m.buckets.at(-1)?.activeAtEnd ?? m.activeAtStart} />
          </SimpleGrid>
          <Paper withBorder p="md">
            <Title order={2} size="h4" mb="xs">
              Raised, resolved and active
            </Title>
            <BucketChart buckets={m.buckets} hourly={bucket === "HOUR"} />
          </Paper>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Took title="Time to acknowledge" durations={m.timeToAcknowledge} />
            <Took title="Time to resolve" durations={m.timeToResolve} />
          </SimpleGrid>
          <Title order={2} size="h4">
            Incidents raised in the range
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="sm">
            <Mix title="State" counts={m.byState} total={m.raised} />
            <Mix title="Priority" counts={m.byPriority} total={m.raised} />
            <Mix title="Type" counts={m.byType} total={m.raised} />
            <Mix title="Source" counts={m.bySource} total={m.raised} named={(v) => (v === "MANUAL" ? "manual" : "a check")} />
            <Mix title="Platform" counts={m.byPlatform} total={m.raised} named={(v) => v} />
            <Mix title="Team" counts={m.byTeam} total={m.raised} named={(v) => v.replace("urn:li:corpGroup:", "")} />
          </SimpleGrid>
        </>
      )}
    </Stack>
  );
}
