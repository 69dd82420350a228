import { Stack, Tabs, Title } from "@mantine/core";
import { useLocation, useSearch } from "wouter";
import { useSession } from "../api/session";
import { DeadLettersPanel } from "./admin/DeadLetters";
import { TokensPanel } from "./admin/Tokens";
import { UsersPanel } from "./admin/Users";

export function AdminPage() {
  const { isAdmin } = useSession();
  const [, navigate] = useLocation();
  const tab = new URLSearchParams(useSearch()).get("tab") ?? "tokens";
  return (
    <Stack>
      <Title order={1}>{isAdmin ? "Administration" : "Your tokens"}</Title>
      <Tabs value={isAdmin ? tab : "tokens"} onChange={(value) => navigate(`/admin?tab=${value ?? "tokens"}`)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="tokens">Tokens</Tabs.Tab>
          {isAdmin && <Tabs.Tab value="users">Users and roles</Tabs.Tab>}
          {isAdmin && <Tabs.Tab value="dead">Dead letters</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="tokens" pt="md">
          <TokensPanel />
        </Tabs.Panel>
        {isAdmin && (
          <Tabs.Panel value="users" pt="md">
            <UsersPanel />
          </Tabs.Panel>
        )}
        {isAdmin && (
          <Tabs.Panel value="dead" pt="md">
            <DeadLettersPanel />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
