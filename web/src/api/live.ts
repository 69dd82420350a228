import { type Client, createClient } from "graphql-ws";

let client: Client | null = null;
let clientToken: string | null = null;
let connected = false;

/** One graphql-transport-ws connection per token, shared by every page that follows events. */
export function liveClient(token: string): Client {
  if (client && clientToken === token) return client;
  closeLive();
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const created = createClient({
    url: `${scheme}//${location.host}/api/graphql`,
    connectionParams: { Authorization: `Bearer ${token}` },
    // Reconnect after network trouble or a server restart, but not after the server refused
    // the token (4403): that needs signing in again.
    retryAttempts: Infinity,
    shouldRetry: (event) => !(typeof event === "object" && event !== null && "code" in event && event.code === 4403),
  });
  created.on("connected", () => {
    connected = true;
  });
  created.on("closed", () => {
    connected = false;
  });
  client = created;
  clientToken = token;
  return created;
}

export function isLiveConnected(): boolean {
  return connected;
}

export function closeLive(): void {
  client?.dispose();
  client = null;
  clientToken = null;
  connected = false;
}
