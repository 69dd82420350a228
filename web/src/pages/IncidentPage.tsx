import { Anchor, Button, Grid, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { Link } from "wouter";
import { useGql, useGqlMutation } from "../api/hooks";
import { useSession } from "../api/session";
import { useLiveEvents } from "../api/useLiveEvents";
import {
  AssetLink,
  ErrorNotice,
  PriorityBadge,
  StateBadge,
  Time,
  duration,
  personName,
  shortUrn,
  words,
} from "../components/format";
import { LiveIndicator } from "../components/LiveIndicator";
import { decodeUrn } from "../paths";
import { IncidentActions } from "./incident/Actions";
import { FollowDocument, IncidentPageDocument, UnfollowDocument } from "./incident/documents";
import { IncidentCheckResults } from "./incident/CheckResults";
import { IncidentRelated } from "./incident/Related";
import { IncidentTimeline } from "./incident/Timeline";

function Fact(props: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {props.label}
      </Text>
      <Text size="sm" component="div">
        {props.children}
      </Text>
    </div>
  );
}

export function IncidentPage(props: { segment: string }) {
  const urn = decodeUrn(props.segment);
  const { me, canWrite } = useSession();
  const page = useGql(IncidentPageDocument, { urn });
  const live = useLiveEvents({ incidentUrns: [urn] }, ["IncidentPage", "IncidentRelated", "Handbook", "IncidentCheckResults"]);
  const follow = useGqlMutation(FollowDocument);
  const unfollow = useGqlMutation(UnfollowDocument);

  if (page.isPending) return <Loader aria-label="Loading the incident" />;
  if (page.error) return <ErrorNotice error={page.error} />;
  const incident = page.data.incident;
  if (!incident) {
    return (
      <Stack>
        <Title order={1}>No such incident</Title>
        <Text>
          No incident has the URN {urn}. <Anchor component={Link} href="/">Back to the incidents</Anchor>
        </Text>
      </Stack>
    );
  }
  const following = incident.subscribers.some((s) => s.subscriber.urn === me.user.urn);
  const firstAsset = incident.entities.find((e) => "properties" in e)?.urn ?? null;

  return (
    <Stack>
      <Group justify="space-between" align="start">
        <Stack gap={4}>
          <Title order={1} size="h2">
            {incident.title || shortUrn(incident.urn)}
          </Title>
          <Group gap="xs">
            <StateBadge state={incident.incidentStatus.state} stage={incident.incidentStatus.stage} />
            <PriorityBadge priority={incident.priority} />
            <Text size="sm" c="dimmed">
              {incident.incidentType === "CUSTOM" ? incident.customType : words(incident.incidentType)} · version{" "}
              {incident.version}
            </Text>
          </Group>
        </Stack>
        <Group gap="xs">
          <LiveIndicator status={live} />
          <Button
            variant={following ? "default" : "light"}
            loading={follow.isPending || unfollow.isPending}
            onClick={() => (following ? unfollow : follow).mutate({ urn: incident.urn })}
          >
            {following ? "Unfollow" : "Follow"}
          </Button>
        </Group>
      </Group>
      <ErrorNotice error={follow.error ?? unfollow.error} title="Refused" />
      <Grid>
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            <Paper withBorder p="md">
              <Stack gap="sm">
                {incident.description && <Text style={{ whiteSpace: "pre-wrap" }}>{incident.description}</Text>}
                <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
                  <Fact label="Assets">
                    <Stack gap={0}>
                      {incident.entities.map((entity) =>
                        "properties" in entity ? (
                          <AssetLink key={entity.urn} urn={entity.urn} name={entity.properties.name} />
                        ) : (
                          <span key={entity.urn}>{entity.urn}</span>
                        ),
                      )}
                    </Stack>
                  </Fact>
                  <Fact label="Raised">
                    <Time ms={incident.created.time} /> by {shortUrn(incident.created.actor ?? "unknown")}
                  </Fact>
                  <Fact label="Lead">{personName(incident.lead)}</Fact>
                  <Fact label="Assignees">
                    {(incident.assignees ?? []).map((a) => personName(a)).join(", ") || "nobody"}
                  </Fact>
                  <Fact label="Acknowledged">
                    {incident.acknowledged ? (
                      <>
                        <Time ms={incident.acknowledged.time} /> by {shortUrn(incident.acknowledged.actor ?? "")} (after{" "}
                        {duration(incident.timeToAcknowledgeMs)})
                      </>
                    ) : (
                      "not yet"
                    )}
                  </Fact>
                  <Fact label="Source">
                    {incident.source ? words(incident.source.type) : "manual"}
                    {incident.source?.source ? ` (${incident.source.source.urn})` : ""}
                  </Fact>
                  {incident.startedAt != null && (
                    <Fact label="Problem started">
                      <Time ms={incident.startedAt} />
                    </Fact>
                  )}
                  <Fact label="Followers">
                    {incident.subscribers.map((s) => `${personName(s.subscriber)} (${words(s.reason)})`).join(", ") ||
                      "nobody"}
                  </Fact>
                  {incident.resolved && (
                    <Fact label="Resolved">
                      <Time ms={incident.resolved.time} /> by {shortUrn(incident.resolved.actor ?? "")} (after{" "}
                      {duration(incident.timeToResolveMs)})
                    </Fact>
                  )}
                  {incident.rootCause && (
                    <Fact label="Root cause">
                      {words(incident.rootCause.category)}
                      {incident.rootCause.detail ? `: ${incident.rootCause.detail}` : ""}
                    </Fact>
                  )}
                </SimpleGrid>
                {incident.resolutionNote && (
                  <Fact label="Resolution note">
                    <span data-testid="resolution-note">{incident.resolutionNote}</span>
                  </Fact>
                )}
              </Stack>
            </Paper>
            {canWrite && <IncidentActions key={incident.version} incident={incident} />}
            <IncidentTimeline incident={incident} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack>
            <IncidentCheckResults incidentUrn={incident.urn} />
            <IncidentRelated urn={incident.urn} assetUrn={firstAsset} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
