import {
  Button,
  Checkbox,
  Grid,
  Group,
  Pagination,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { type FormEvent, useState } from "react";
import { useLocation, useSearch } from "wouter";
import { useGql } from "../api/hooks";
import { AssetLink, ErrorNotice, words } from "../components/format";
import { HealthBadge } from "../components/Health";
import { graphql } from "../gql";
import type { FacetFilterInput } from "../gql/graphql";

const PAGE = 20;
const ACTIVE = "hasActiveIncidents";
// Facets a person narrows by; hasActiveIncidents has its own switch.
const FACETS = ["_entityType", "platform", "owners", "tags", "activeIncidentPriorities", "activeIncidentTypes"];

const SearchAssetsDocument = graphql(`
  query SearchAssets($input: SearchAcrossEntitiesInput!) {
    searchAcrossEntities(input: $input) {
      total
      searchResults {
        entity {
          urn
          type
          ... on DataAsset { properties { name } platform { name } ...HealthParts }
        }
      }
      facets { field displayName aggregations { value count } }
    }
  }
`);

/** `?q=orders&active=true&f=platform:kafka&f=tags:urn:li:tag:pii&page=2` */
function parse(search: string) {
  const params = new URLSearchParams(search);
  const selected = new Map<string, string[]>();
  for (const raw of params.getAll("f")) {
    const at = raw.indexOf(":");
    if (at <= 0) continue;
    const field = raw.slice(0, at);
    selected.set(field, [...(selected.get(field) ?? []), raw.slice(at + 1)]);
  }
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return {
    q: params.get("q") ?? "",
    active: params.get("active") === "true",
    selected,
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

type View = ReturnType<typeof parse>;

function format(view: View): string {
  const params = new URLSearchParams();
  if (view.q) params.set("q", view.q);
  if (view.active) params.set("active", "true");
  for (const [field, values] of view.selected) for (const value of values) params.append("f", `${field}:${value}`);
  if (view.page > 1) params.set("page", String(view.page));
  const text = params.toString();
  return `/search${text ? `?${text}` : ""}`;
}

export function SearchPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const view = parse(search);
  const [query, setQuery] = useState(view.q);
  const and: FacetFilterInput[] = [...view.selected].map(([field, values]) => ({ field, values }));
  if (view.active) and.push({ field: ACTIVE, values: ["true"] });
  const result = useGql(SearchAssetsDocument, {
    input: {
      query: view.q || "*",
      start: (view.page - 1) * PAGE,
      count: PAGE,
      orFilters: and.length ? [{ and }] : null,
    },
  });
  const show = (next: Partial<View>) => navigate(format({ ...view, page: 1, ...next }));
  const toggle = (field: string, value: string, on: boolean) => {
    const selected = new Map(view.selected);
    const values = (selected.get(field) ?? []).filter((v) => v !== value);
    selected.set(field, on ? [...values, value] : values);
    show({ selected });
  };
  const data = result.data?.searchAcrossEntities;

  return (
    <Stack>
      <Title order={1}>Search assets</Title>
      <form
        aria-label="Search assets"
        onSubmit={(event: FormEvent) => {
          event.preventDefault();
          show({ q: query.trim() });
        }}
      >
        <Group align="end" wrap="nowrap">
          <TextInput
            label="Name or URN"
            value={query}
            onChange={(event) => setQuery(event.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Button type="submit">Search</Button>
        </Group>
      </form>
      <Switch
        label="Has Active Incidents"
        checked={view.active}
        onChange={(event) => show({ active: event.currentTarget.checked })}
      />
      <ErrorNotice error={result.error} />
      <Grid>
        <Grid.Col span={{ base: 12, md: 3 }}>
          <Stack gap="sm" component="section" aria-label="Facets">
            {(data?.facets ?? [])
              .filter((facet) => FACETS.includes(facet.field) && facet.aggregations.length > 0)
              .map((facet) => (
                <Paper withBorder p="xs" key={facet.field}>
                  <Checkbox.Group label={facet.displayName ?? facet.field} value={view.selected.get(facet.field) ?? []}>
                    <Stack gap={4} mt={4}>
                      {facet.aggregations.map((aggregation) => (
                        <Checkbox
                          key={aggregation.value}
                          value={aggregation.value}
                          label={`${facet.field === "_entityType" ? words(aggregation.value) : aggregation.value} (${aggregation.count})`}
                          onChange={(event) => toggle(facet.field, aggregation.value, event.currentTarget.checked)}
                        />
                      ))}
                    </Stack>
                  </Checkbox.Group>
                </Paper>
              ))}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 9 }}>
          {data && (
            <Stack>
              <Text size="sm" data-testid="asset-total">
                {data.total} asset{data.total === 1 ? "" : "s"}
              </Text>
              <Table.ScrollContainer minWidth={520}>
                <Table striped data-testid="asset-table">
                  <caption className="visually-hidden">Assets matching the search</caption>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Asset</Table.Th>
                      <Table.Th>Type</Table.Th>
                      <Table.Th>Platform</Table.Th>
                      <Table.Th>Health</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.searchResults.map(({ entity }) => (
                      <Table.Tr key={entity.urn} data-urn={entity.urn}>
                        <Table.Td>
                          <AssetLink urn={entity.urn} name={"properties" in entity ? entity.properties.name : null} />
                        </Table.Td>
                        <Table.Td>{words(entity.type)}</Table.Td>
                        <Table.Td>{"platform" in entity ? entity.platform?.name : null}</Table.Td>
                        <Table.Td>{"health" in entity && <HealthBadge health={entity.health} />}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              {data.total > PAGE && (
                <Pagination
                  total={Math.ceil(data.total / PAGE)}
                  value={view.page}
                  onChange={(page) => navigate(format({ ...view, page }))}
                  getControlProps={(control) => ({ "aria-label": `${control} page` })}
                />
              )}
            </Stack>
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
