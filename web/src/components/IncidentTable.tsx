import { Badge, Group, Table, Text } from "@mantine/core";
import type { ReactNode } from "react";
import type { IncidentRowFragment } from "../gql/graphql";
import { AssetLink, IncidentLink, PriorityBadge, StateBadge, Time, personName, words } from "./format";

/** Incidents as rows: title, state, priority, asset, lead, raised; `actions` adds a last column. */
export function IncidentTable(props: {
  incidents: IncidentRowFragment[];
  changed?: Set<string>;
  actions?: (incident: IncidentRowFragment) => ReactNode;
  caption: string;
}) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table striped highlightOnHover verticalSpacing="xs" data-testid="incident-table">
        <caption className="visually-hidden">{props.caption}</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Incident</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Priority</Table.Th>
            <Table.Th>Asset</Table.Th>
            <Table.Th>Lead</Table.Th>
            <Table.Th>Raised</Table.Th>
            {props.actions && <Table.Th>Actions</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {props.incidents.map((incident) => (
            <Table.Tr key={incident.urn} data-urn={incident.urn}>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <IncidentLink urn={incident.urn} title={incident.title} />
                  {props.changed?.has(incident.urn) && (
                    <Badge size="xs" color="indigo" variant="light">
                      just changed
                    </Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed">
                  {incident.incidentType === "CUSTOM" ? incident.customType : words(incident.incidentType)}
                </Text>
              </Table.Td>
              <Table.Td>
                <StateBadge state={incident.incidentStatus.state} stage={incident.incidentStatus.stage} />
              </Table.Td>
              <Table.Td>
                <PriorityBadge priority={incident.priority} />
              </Table.Td>
              <Table.Td>
                {"properties" in incident.entity ? (
                  <AssetLink urn={incident.entity.urn} name={incident.entity.properties?.name} />
                ) : (
                  incident.entity.urn
                )}
              </Table.Td>
              <Table.Td>{personName(incident.lead)}</Table.Td>
              <Table.Td>
                <Time ms={incident.created.time} />
              </Table.Td>
              {props.actions && <Table.Td>{props.actions(incident)}</Table.Td>}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
