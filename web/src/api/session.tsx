import { useQueryClient } from "@tanstack/react-query";
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from "react";
import { graphql } from "../gql";
import type { MeQuery } from "../gql/graphql";
import { execute } from "./client";
import { closeLive } from "./live";
import { forgetToken, storeToken, storedToken } from "./token";

export const MeDocument = graphql(`
  query Me {
    me {
      role
      tokenId
      user { urn username displayName }
    }
  }
`);

export type Me = MeQuery["me"];

interface Session {
  token: string;
  me: Me;
  /** Viewers read only: pages show them no write controls. */
  canWrite: boolean;
  isAdmin: boolean;
  signOut: () => void;
}

const SessionContext = createContext<Session | null>(null);

/** Check a token with the server; resolves to who it belongs to, or throws its refusal. */
export async function signIn(token: string): Promise<Me> {
  const data = await execute(MeDocument, {}, token);
  storeToken(token);
  return data.me;
}

export function SessionProvider(props: {
  token: string;
  me: Me;
  onSignOut: () => void;
  children: ReactNode;
}) {
  const queryClient = useQueryClient();
  const { onSignOut } = props;
  const signOut = useCallback(() => {
    forgetToken();
    closeLive();
    queryClient.clear();
    onSignOut();
  }, [queryClient, onSignOut]);
  const value = useMemo<Session>(
    () => ({
      token: props.token,
      me: props.me,
      canWrite: props.me.role !== "VIEWER",
      isAdmin: props.me.role === "ADMIN",
      signOut,
    }),
    [props.token, props.me, signOut],
  );
  return <SessionContext.Provider value={value}>{props.children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in page");
  return session;
}

/** The token this tab holds, if any, and a setter for the sign-in page. */
export function useStoredToken(): [string | null, (token: string | null) => void] {
  const [token, setToken] = useState<string | null>(storedToken);
  return [token, setToken];
}
