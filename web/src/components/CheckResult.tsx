import { Anchor, Badge, Text } from "@mantine/core";
import { graphql } from "../gql";
import type { CheckResultPartsFragment } from "../gql/graphql";
import { Time } from "./format";

export const CheckResultParts = graphql(`
  fragment CheckResultParts on CheckResult {
    id
    runId
    time
    status
    observedValue
    threshold
    message
    externalUrl
    check { urn name checkType asset { urn } }
  }
`);

const STATUS_COLORS: Record<string, string> = { PASS: "teal", WARN: "yellow", FAIL: "red.9", ERROR: "grape" };

export function CheckStatusBadge(props: { status: string }) {
  return (
    <Badge color={STATUS_COLORS[props.status] ?? "gray"} variant={props.status === "FAIL" ? "filled" : "light"} autoContrast>
      {props.status.toLowerCase()}
    </Badge>
  );
}

/** What one run found: observed against threshold, its message, and a link to the run. */
export function CheckResultFacts(props: { result: CheckResultPartsFragment }) {
  const { result } = props;
  return (
    <Text size="xs" c="dimmed">
      run {result.runId} at <Time ms={result.time} />
      {result.observedValue != null && ` · observed ${result.observedValue}`}
      {result.threshold != null && ` (threshold ${result.threshold})`}
      {result.message && ` · ${result.message}`}
      {result.externalUrl && (
        <>
          {" · "}
          <Anchor href={result.externalUrl} target="_blank" rel="noreferrer" size="xs">
            the run
          </Anchor>
        </>
      )}
    </Text>
  );
}
