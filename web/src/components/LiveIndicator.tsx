import { Badge } from "@mantine/core";
import type { LiveStatus } from "../api/useLiveEvents";

export function LiveIndicator(props: { status: LiveStatus }) {
  const label = { connecting: "connecting…", connected: "live", closed: "offline" }[props.status];
  const color = { connecting: "gray", connected: "teal", closed: "red" }[props.status];
  return (
    <Badge variant="dot" color={color} data-live={props.status} aria-live="polite">
      {label}
    </Badge>
  );
}
