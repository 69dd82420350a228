import { AppShell, Badge, Burger, Button, Group, NavLink, Stack, Text } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import type { ReactNode } from "react";
import { Link, useLocation } from "wouter";
import { useSession } from "../api/session";
import { paths } from "../paths";

interface Section {
  label: string;
  href: string;
  active: (location: string) => boolean;
}

const SECTIONS: Section[] = [
  { label: "Incidents", href: paths.hub, active: (l) => l === "/" || l.startsWith("/incidents") },
  { label: "Metrics", href: paths.metrics, active: (l) => l.startsWith(paths.metrics) },
  { label: "Search assets", href: paths.search, active: (l) => l.startsWith("/search") || l.startsWith("/assets") },
  // Everyone manages their own tokens there; admins also see users and dead letters.
  { label: "Admin", href: paths.admin, active: (l) => l.startsWith("/admin") },
];

export function Shell(props: { children: ReactNode }) {
  const { me, signOut } = useSession();
  const [location] = useLocation();
  const [opened, { toggle, close }] = useDisclosure();
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: "sm", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Text fw={700} component={Link} href="/">
              incident-graph
            </Text>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="xs" data-testid="signed-in-as">
              {me.user.displayName ?? me.user.username}
            </Text>
            <Badge variant="light" color={me.role === "VIEWER" ? "gray" : "indigo"}>
              {me.role.toLowerCase()}
            </Badge>
            <Button variant="default" size="xs" onClick={signOut}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Sections">
        <Stack gap={2}>
          {SECTIONS.map((section) => (
            <NavLink
              key={section.href}
              component={Link}
              href={section.href}
              label={section.label}
              active={section.active(location)}
              onClick={close}
            />
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>{props.children}</AppShell.Main>
    </AppShell>
  );
}
