import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, Title } from "@mantine/core";
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import type { ApiError } from "../api/client";
import { signIn } from "../api/session";

export function SignInPage(props: { refusal: string | null; onSignedIn: (token: string) => void }) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(props.refusal);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const candidate = token.trim();
    if (!candidate) {
      setError("Paste an access token: `incident-graph token create --user NAME` prints one.");
      return;
    }
    setBusy(true);
    try {
      const me = await signIn(candidate);
      queryClient.setQueryData(["Me", candidate], { me });
      props.onSignedIn(candidate);
    } catch (caught) {
      setError((caught as ApiError).message);
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" maw={440} w="100%">
        <form onSubmit={submit} aria-label="Sign in">
          <Stack>
            <Title order={1} size="h2">
              incident-graph
            </Title>
            <Text c="dimmed" size="sm">
              Sign in with an access token. It stays in this tab only; signing out forgets it.
            </Text>
            <PasswordInput
              label="Access token"
              placeholder="igt_…"
              value={token}
              onChange={(event) => setToken(event.currentTarget.value)}
              autoComplete="off"
              spellCheck={false}
              data-autofocus
            />
            {error && (
              <Alert color="red" title="Not signed in" role="alert">
                {error}
              </Alert>
            )}
            <Button type="submit" loading={busy}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
