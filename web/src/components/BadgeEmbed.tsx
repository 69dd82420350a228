import { Anchor, Code, CopyButton, Button, Group, Stack, Text } from "@mantine/core";
import { useGql } from "../api/hooks";
import { graphql } from "../gql";

const BadgeUrlDocument = graphql(`
  query BadgeUrl($urn: String!) {
    entity(urn: $urn) {
      urn
      ... on DataAsset { badgeUrl }
    }
  }
`);

/** The path and query of a URL: the page shows the image from its own origin (the server's
 * public address may not be the one this browser reached it by). */
function local(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

function Snippet(props: { label: string; text: string }) {
  return (
    <Stack gap={2}>
      <Group justify="space-between" wrap="nowrap">
        <Text size="xs" fw={600}>
          {props.label}
        </Text>
        <CopyButton value={props.text}>
          {({ copied, copy }) => (
            <Button size="compact-xs" variant="default" onClick={copy} aria-label={`Copy the ${props.label} snippet`}>
              {copied ? "Copied" : "Copy"}
            </Button>
          )}
        </CopyButton>
      </Group>
      <Code block style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
        {props.text}
      </Code>
    </Stack>
  );
}

/** The asset's health badge and how to embed it where no token can be sent (a wiki page, a
 * README, a BI tile): its URL is signed for this asset. */
export function BadgeEmbed(props: { assetUrn: string }) {
  const found = useGql(BadgeUrlDocument, { urn: props.assetUrn });
  const entity = found.data?.entity;
  if (!entity || !("badgeUrl" in entity)) return null;
  const url = entity.badgeUrl;
  const json = `${url}&format=json`;
  return (
    <Stack gap="xs" mt="sm" data-testid="badge-embed">
      <Group gap="xs">
        <Text size="sm" fw={600}>
          Badge
        </Text>
        <img src={local(url)} alt="Data health badge of this asset" height={20} />
      </Group>
      <Text size="xs" c="dimmed">
        Embed it in a wiki page, a README or a dashboard: the URL is signed for this asset and
        shows its health only.{" "}
        <Anchor href={local(json)} size="xs" target="_blank" rel="noreferrer" underline="always">
          shields.io JSON
        </Anchor>
      </Text>
      <Snippet label="Markdown" text={`![data health](${url})`} />
      <Snippet label="HTML" text={`<img alt="data health" src="${url}">`} />
    </Stack>
  );
}
