import { Alert, Anchor, Badge, Text } from "@mantine/core";
import { Link } from "wouter";
import type { ApiError } from "../api/client";
import { assetPath, incidentPath } from "../paths";

const PRIORITY_COLORS: Record<string, string> = {
  CRITICAL: "red",
  HIGH: "orange",
  MEDIUM: "yellow",
  LOW: "gray",
};

export function PriorityBadge(props: { priority: string | null | undefined }) {
  if (!props.priority) return <Text span size="sm" c="dimmed">no priority</Text>;
  return (
    <Badge color={PRIORITY_COLORS[props.priority] ?? "gray"} variant="light" autoContrast>
      {props.priority.toLowerCase()}
    </Badge>
  );
}

export function StateBadge(props: { state: string; stage?: string | null | undefined }) {
  const active = props.state === "ACTIVE";
  return (
    <Badge color={active ? "red.9" : "teal"} variant={active ? "filled" : "light"} data-state={props.state}>
      {props.state.toLowerCase()}
      {props.stage ? ` · ${words(props.stage)}` : ""}
    </Badge>
  );
}

/** An enum value as words: WORK_IN_PROGRESS -> work in progress. */
export function words(value: string): string {
  return value.toLowerCase().replaceAll("_", " ");
}

export function Time(props: { ms: number | null | undefined }) {
  if (props.ms == null) return <Text span c="dimmed">—</Text>;
  const date = new Date(props.ms);
  return (
    <time dateTime={date.toISOString()} title={date.toISOString()}>
      {date.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
    </time>
  );
}

export function duration(ms: number | null | undefined): string {
  if (ms == null) return "—";
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = minutes / 60;
  if (hours < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}

interface Named {
  urn: string;
  username?: string;
  name?: string;
  displayName?: string | null;
}

export function personName(person: Named | null | undefined): string {
  if (!person) return "nobody";
  return person.displayName ?? person.username ?? person.name ?? person.urn;
}

/** The readable part of a URN: urn:li:corpuser:ana -> ana. */
export function shortUrn(urn: string): string {
  const match = /^urn:li:(?:corpuser|corpGroup|incident|tag):(.+)$/.exec(urn);
  return match?.[1] ?? urn;
}

export function IncidentLink(props: { urn: string; title: string | null | undefined }) {
  return (
    <Anchor component={Link} href={incidentPath(props.urn)}>
      {props.title || shortUrn(props.urn)}
    </Anchor>
  );
}

export function AssetLink(props: { urn: string; name?: string | null | undefined }) {
  return (
    <Anchor component={Link} href={assetPath(props.urn)} style={{ wordBreak: "break-word" }}>
      {props.name || props.urn}
    </Anchor>
  );
}

/** A refused or failed call, in the server's words and with its code. */
export function ErrorNotice(props: { error: ApiError | Error | null | undefined; title?: string }) {
  if (!props.error) return null;
  const code = "code" in props.error ? (props.error as ApiError).code : null;
  return (
    <Alert color="red" title={[props.title ?? "Error", code && `(${code})`].filter(Boolean).join(" ")} role="alert">
      {props.error.message}
    </Alert>
  );
}
