import { Center, Loader } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { Route, Switch } from "wouter";
import { execute } from "./api/client";
import { MeDocument, SessionProvider, useStoredToken } from "./api/session";
import { forgetToken } from "./api/token";
import { Shell } from "./components/Shell";
import { AdminPage } from "./pages/AdminPage";
import { AssetPage } from "./pages/AssetPage";
import { HubPage } from "./pages/HubPage";
import { IncidentPage } from "./pages/IncidentPage";
import { MetricsPage } from "./pages/MetricsPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { SearchPage } from "./pages/SearchPage";
import { SignInPage } from "./pages/SignInPage";

export function App() {
  const [token, setToken] = useStoredToken();
  // A token kept from earlier in this tab is checked again: it may have been revoked.
  const me = useQuery({
    queryKey: ["Me", token],
    queryFn: () => execute(MeDocument, {}, token),
    enabled: token !== null,
    retry: false,
  });
  if (token === null || me.isError) {
    if (me.isError) forgetToken();
    return (
      <SignInPage
        refusal={me.isError ? me.error.message : null}
        onSignedIn={(accepted) => setToken(accepted)}
      />
    );
  }
  if (!me.data) {
    return (
      <Center h="100vh">
        <Loader aria-label="Signing in" />
      </Center>
    );
  }
  return (
    <SessionProvider token={token} me={me.data.me} onSignOut={() => setToken(null)}>
      <Shell>
        <Switch>
          <Route path="/" component={HubPage} />
          <Route path="/incidents" component={HubPage} />
          <Route path="/incidents/*">{(params) => <IncidentPage segment={params["*"]} />}</Route>
          <Route path="/assets/*">{(params) => <AssetPage segment={params["*"]} />}</Route>
          <Route path="/search" component={SearchPage} />
          <Route path="/incident-metrics" component={MetricsPage} />
          <Route path="/admin" component={AdminPage} />
          <Route component={NotFoundPage} />
        </Switch>
      </Shell>
    </SessionProvider>
  );
}
