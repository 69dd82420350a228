import { Alert, Button, Group, Paper, Select, Stack, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { options, ROLES } from "../../api/enums";
import { useGql, useGqlMutation } from "../../api/hooks";
import { ErrorNotice, personName } from "../../components/format";
import { graphql } from "../../gql";
import type { UserRole } from "../../gql/graphql";

const CreateUserDocument = graphql(`
  mutation CreateUser($input: CreateUserInput!) {
    createUser(input: $input) { urn username displayName }
  }
`);

const SetRoleDocument = graphql(`
  mutation SetRole($urn: String!, $role: UserRole!) {
    setUserRole(urn: $urn, role: $role)
  }
`);

const UserDocument = graphql(`
  query User($urn: String!) {
    corpUser(urn: $urn) { urn username displayName email groups { urn name displayName } }
  }
`);

function userUrn(name: string): string {
  const trimmed = name.trim();
  return trimmed.startsWith("urn:li:corpuser:") ? trimmed : `urn:li:corpuser:${trimmed}`;
}

/** Create users with a role; look a user up and give them another role. */
export function UsersPanel() {
  const create = useGqlMutation(CreateUserDocument);
  const setRole = useGqlMutation(SetRoleDocument);
  const [name, setName] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setNewRole] = useState<string | null>("MEMBER");
  const [lookup, setLookup] = useState("");
  const [looked, setLooked] = useState<string | null>(null);
  const [nextRole, setNextRole] = useState<string | null>(null);
  const user = useGql(UserDocument, { urn: looked ?? "" }, { enabled: looked !== null });

  return (
    <Stack>
      <Paper withBorder p="md">
        <form
          aria-label="Create a user"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            create.mutate(
              {
                input: {
                  name: name.trim(),
                  displayName: displayName.trim() || null,
                  email: email.trim() || null,
                  role: (role ?? "MEMBER") as UserRole,
                },
              },
              { onSuccess: () => setName("") },
            );
          }}
        >
          <Stack gap="sm">
            <Title order={2} size="h4">
              Create a user
            </Title>
            <Group align="end">
              <TextInput label="User name" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
              <TextInput label="Display name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
              <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
              <Select label="Role" data={options(ROLES)} value={role} onChange={setNewRole} allowDeselect={false} w={140} />
              <Button type="submit" loading={create.isPending}>
                Create user
              </Button>
            </Group>
            <ErrorNotice error={create.error} title="Refused" />
            {create.data && (
              <Alert color="teal" title="User created">
                {create.data.createUser.urn}: they can sign in once a token is made for them
                (incident-graph token create, or createAccessToken with their userUrn).
              </Alert>
            )}
          </Stack>
        </form>
      </Paper>
      <Paper withBorder p="md">
        <Stack gap="sm">
          <Title order={2} size="h4">
            Change a user's role
          </Title>
          <form
            aria-label="Find a user"
            onSubmit={(event: FormEvent) => {
              event.preventDefault();
              setLooked(userUrn(lookup));
            }}
          >
            <Group align="end">
              <TextInput label="User name or URN" value={lookup} onChange={(e) => setLookup(e.currentTarget.value)} required />
              <Button type="submit" variant="default">
                Find
              </Button>
            </Group>
          </form>
          <ErrorNotice error={user.error} />
          {looked && user.data && !user.data.corpUser && <Text>No user is {looked}.</Text>}
          {user.data?.corpUser && (
            <form
              aria-label="Set the role"
              onSubmit={(event: FormEvent) => {
                event.preventDefault();
                if (nextRole) setRole.mutate({ urn: user.data.corpUser?.urn ?? "", role: nextRole as UserRole });
              }}
            >
              <Stack gap="xs">
                <Text size="sm">
                  {personName(user.data.corpUser)} ({user.data.corpUser.urn})
                  {user.data.corpUser.email ? `, ${user.data.corpUser.email}` : ""}; teams:{" "}
                  {user.data.corpUser.groups.map((g) => personName(g)).join(", ") || "none"}
                </Text>
                <Group align="end">
                  <Select label="New role" data={options(ROLES)} value={nextRole} onChange={setNextRole} w={160} />
                  <Button type="submit" loading={setRole.isPending} disabled={!nextRole}>
                    Set role
                  </Button>
                </Group>
                <ErrorNotice error={setRole.error} title="Refused" />
                {setRole.isSuccess && <Text size="sm">Role changed; it applies from their next request.</Text>}
              </Stack>
            </form>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
