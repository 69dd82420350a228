import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { graphql } from "../gql";
import type { IncidentEventFilter, IncidentEventsSubscription } from "../gql/graphql";
import { isLiveConnected, liveClient } from "./live";
import { useSession } from "./session";

const IncidentEventsDocument = graphql(`
  subscription IncidentEvents($filter: IncidentEventFilter) {
    incidentEvents(filter: $filter) {
      eventId
      eventType
      time
      actor
      incidentUrn
      title
      state
      priority
    }
  }
`);

export type LiveEvent = IncidentEventsSubscription["incidentEvents"];
export type LiveStatus = "connecting" | "connected" | "closed";

/**
 * Follow incidentEvents: each event refetches the queries named in `refetch` and is handed to
 * `onEvent`. Returns whether the socket is up, so a page can say when it is live.
 */
export function useLiveEvents(
  filter: IncidentEventFilter | null,
  refetch: string[],
  onEvent?: (event: LiveEvent) => void,
): LiveStatus {
  const { token } = useSession();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>(() => (isLiveConnected() ? "connected" : "connecting"));
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const filterKey = JSON.stringify(filter);
  const refetchKey = refetch.join(",");

  useEffect(() => {
    const client = liveClient(token);
    if (isLiveConnected()) setStatus("connected");
    const offConnected = client.on("connected", () => setStatus("connected"));
    const offClosed = client.on("closed", () => setStatus("closed"));
    const unsubscribe = client.subscribe<IncidentEventsSubscription>(
      { query: IncidentEventsDocument.toString(), variables: { filter: JSON.parse(filterKey) } },
      {
        next: (message) => {
          const event = message.data?.incidentEvents;
          if (!event) return;
          for (const name of refetchKey.split(",")) {
            void queryClient.invalidateQueries({ queryKey: [name] });
          }
          handler.current?.(event);
        },
        error: () => setStatus("closed"),
        complete: () => undefined,
      },
    );
    return () => {
      unsubscribe();
      offConnected();
      offClosed();
    };
  }, [token, filterKey, refetchKey, queryClient]);

  return status;
}
