import { Alert, Button, Code, Group, NumberInput, Stack, Switch, Table, Text, TextInput } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useGql, useGqlMutation } from "../../api/hooks";
import { useSession } from "../../api/session";
import { ErrorNotice, Time, shortUrn } from "../../components/format";
import { graphql } from "../../gql";

const TokensDocument = graphql(`
  query Tokens($everyone: Boolean!) {
    listAccessTokens(everyone: $everyone) {
      id
      name
      createdAt
      expiresAt
      revokedAt
      user { urn username }
    }
  }
`);

const CreateTokenDocument = graphql(`
  mutation CreateToken($name: String!, $expiresInDays: Int) {
    createAccessToken(name: $name, expiresInDays: $expiresInDays) {
      accessToken
      metadata { id name }
    }
  }
`);

const RevokeTokenDocument = graphql(`
  mutation RevokeToken($id: ID!) {
    revokeAccessToken(id: $id)
  }
`);

/** Your tokens (admins: everyone's): create one, its secret shown once; revoke. */
export function TokensPanel() {
  const { me, isAdmin } = useSession();
  const [everyone, setEveryone] = useState(false);
  const tokens = useGql(TokensDocument, { everyone });
  const create = useGqlMutation(CreateTokenDocument);
  const revoke = useGqlMutation(RevokeTokenDocument);
  const [name, setName] = useState("");
  const [days, setDays] = useState<number | string>("");

  return (
    <Stack>
      <form
        aria-label="Create a token"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          create.mutate(
            { name: name.trim(), expiresInDays: typeof days === "number" ? days : null },
            { onSuccess: () => setName("") },
          );
        }}
      >
        <Group align="end">
          <TextInput label="New token's name" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          <NumberInput label="Expires in days" description="empty: never" value={days} onChange={setDays} min={1} w={140} />
          <Button type="submit" loading={create.isPending}>
            Create token
          </Button>
        </Group>
      </form>
      <ErrorNotice error={create.error ?? revoke.error} title="Refused" />
      {create.data && (
        <Alert color="indigo" title={`Token "${create.data.createAccessToken.metadata.name}" created`}>
          <Text size="sm">Copy it now: it is not shown again.</Text>
          <Code block data-testid="new-token">
            {create.data.createAccessToken.accessToken}
          </Code>
        </Alert>
      )}
      {isAdmin && (
        <Switch label="Everyone's tokens" checked={everyone} onChange={(e) => setEveryone(e.currentTarget.checked)} />
      )}
      <ErrorNotice error={tokens.error} />
      <Table.ScrollContainer minWidth={640}>
        <Table striped data-testid="token-table">
          <caption className="visually-hidden">Access tokens</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>User</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(tokens.data?.listAccessTokens ?? []).map((token) => (
              <Table.Tr key={token.id} data-token={token.name}>
                <Table.Td>
                  {token.name}
                  {token.id === me.tokenId && (
                    <Text span size="xs" c="dimmed">
                      {" "}
                      (this session)
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{shortUrn(token.user.urn)}</Table.Td>
                <Table.Td>
                  <Time ms={token.createdAt} />
                </Table.Td>
                <Table.Td>{token.expiresAt ? <Time ms={token.expiresAt} /> : "never"}</Table.Td>
                <Table.Td>
                  {token.revokedAt ? (
                    <>
                      revoked <Time ms={token.revokedAt} />
                    </>
                  ) : (
                    <Button
                      size="compact-sm"
                      variant="default"
                      onClick={() => revoke.mutate({ id: token.id })}
                      aria-label={`Revoke ${token.name}`}
                    >
                      Revoke
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
