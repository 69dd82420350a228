import { Alert, Button, Group, Pagination, Paper, Select, Stack, Table, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";
import { options, ROLES } from "../../api/enums";
import { useGql, useGqlMutation } from "../../api/hooks";
import { ErrorNotice, personName } from "../../components/format";
import { graphql } from "../../gql";
import type { ListUsersQuery, UserRole } from "../../gql/graphql";

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

const ListUsersDocument = graphql(`
  query ListUsers($input: ListUsersInput!) {
    listUsers(input: $input) {
      total
      users { urn username displayName email role groups { urn name displayName } }
    }
  }
`);

const PAGE = 20;

type Listed = ListUsersQuery["listUsers"]["users"][number];

function UserRow(props: { user: Listed }) {
  const { user } = props;
  const setRole = useGqlMutation(SetRoleDocument);
  const [nextRole, setNextRole] = useState<string | null>(user.role ?? null);
  return (
    <Table.Tr data-user={user.username}>
      <Table.Td>
        <Text size="sm" fw={600}>
          {personName(user)}
        </Text>
        <Text size="xs" c="dimmed">
          {user.urn}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{user.email ?? "—"}</Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm">{user.groups.map((g) => personName(g)).join(", ") || "none"}</Text>
      </Table.Td>
      <Table.Td>
        <form
          aria-label={`Role of ${user.username}`}
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            if (nextRole) setRole.mutate({ urn: user.urn, role: nextRole as UserRole });
          }}
        >
          <Group gap="xs" wrap="nowrap">
            <Select aria-label={`Role for ${user.username}`} data={options(ROLES)} value={nextRole} onChange={setNextRole} allowDeselect={false} w={130} />
            <Button type="submit" size="xs" variant="default" loading={setRole.isPending} disabled={!nextRole || nextRole === user.role}>
              Set role
            </Button>
          </Group>
          <ErrorNotice error={setRole.error} title="Refused" />
        </form>
      </Table.Td>
    </Table.Tr>
  );
}

/** Every user by name, narrowed by a text query, each with their role to change. */
function UserList() {
  const [query, setQuery] = useState("");
  const [pageNumber, setPageNumber] = useState(1);
  const users = useGql(ListUsersDocument, {
    input: { query: query.trim() || null, start: (pageNumber - 1) * PAGE, count: PAGE },
  });
  const listed = users.data?.listUsers;
  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Title order={2} size="h4">
          Users and their roles
        </Title>
        <TextInput
          label="Find users"
          description="By user name, display name or email. A new role applies from the user's next request."
          value={query}
          onChange={(event) => {
            setQuery(event.currentTarget.value);
            setPageNumber(1);
          }}
        />
        <ErrorNotice error={users.error} />
        {listed && (
          <>
            <Table data-testid="users">
              <Table.Caption>
                {listed.total} user{listed.total === 1 ? "" : "s"}
              </Table.Caption>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>User</Table.Th>
                  <Table.Th>Email</Table.Th>
                  <Table.Th>Teams</Table.Th>
                  <Table.Th>Role</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {listed.users.map((user) => (
                  <UserRow key={`${user.urn}:${user.role ?? ""}`} user={user} />
                ))}
              </Table.Tbody>
            </Table>
            {listed.total > PAGE && (
              <Pagination
                total={Math.ceil(listed.total / PAGE)}
                value={pageNumber}
                onChange={setPageNumber}
                getControlProps={(control) => ({ "aria-label": `${control} page of users` })}
              />
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}

/** Create users with a role; list them and change their roles. */
export function UsersPanel() {
  const create = useGqlMutation(CreateUserDocument);
  const [name, setName] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setNewRole] = useState<string | null>("MEMBER");

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
      <UserList />
    </Stack>
  );
}
