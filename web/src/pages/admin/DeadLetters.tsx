import { Button, Code, Stack, Table, Text } from "@mantine/core";
import { useGql, useGqlMutation } from "../../api/hooks";
import { ErrorNotice, IncidentLink, Time, words } from "../../components/format";
import { graphql } from "../../gql";

const DeadDocument = graphql(`
  query DeadDeliveries {
    deliveries(status: DEAD, start: 0, count: 50) {
      total
      deliveries {
        id
        attempts
        lastError
        createdAt
        eventType
        incidentUrn
        userUrn
        channel { name kind }
      }
    }
  }
`);

const RedeliverDocument = graphql(`
  mutation Redeliver($id: ID!) {
    redeliver(deliveryId: $id) { id status }
  }
`);

/** Deliveries that ran out of attempts, and a way to send each again. */
export function DeadLettersPanel() {
  const dead = useGql(DeadDocument, {});
  const redeliver = useGqlMutation(RedeliverDocument);
  const rows = dead.data?.deliveries.deliveries ?? [];
  return (
    <Stack>
      <ErrorNotice error={dead.error ?? redeliver.error} />
      {redeliver.data && (
        <Text size="sm" role="status">
          Delivery {redeliver.data.redeliver.id} is {redeliver.data.redeliver.status.toLowerCase()} again.
        </Text>
      )}
      {dead.data && rows.length === 0 && <Text c="dimmed">No dead deliveries.</Text>}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table striped data-testid="dead-table">
            <caption className="visually-hidden">Dead deliveries</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Incident</Table.Th>
                <Table.Th>Event</Table.Th>
                <Table.Th>To</Table.Th>
                <Table.Th>Attempts</Table.Th>
                <Table.Th>Last error</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Action</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((delivery) => (
                <Table.Tr key={delivery.id} data-delivery={delivery.id}>
                  <Table.Td>
                    <IncidentLink urn={delivery.incidentUrn} title={null} />
                  </Table.Td>
                  <Table.Td>{words(delivery.eventType)}</Table.Td>
                  <Table.Td>
                    {delivery.channel ? `${delivery.channel.name} (${delivery.channel.kind.toLowerCase()})` : delivery.userUrn}
                  </Table.Td>
                  <Table.Td>{delivery.attempts}</Table.Td>
                  <Table.Td>
                    <Code>{delivery.lastError}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Time ms={delivery.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      loading={redeliver.isPending && redeliver.variables.id === delivery.id}
                      onClick={() => redeliver.mutate({ id: delivery.id })}
                    >
                      Redeliver
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
