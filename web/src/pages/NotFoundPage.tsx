import { Anchor, Stack, Text, Title } from "@mantine/core";
import { Link } from "wouter";

export function NotFoundPage() {
  return (
    <Stack>
      <Title order={1}>No such page</Title>
      <Text>
        This address is not a page of the console.{" "}
        <Anchor component={Link} href="/">
          Go to the incidents
        </Anchor>
        .
      </Text>
    </Stack>
  );
}
