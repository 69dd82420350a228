import {
  Button,
  Collapse,
  Group,
  MultiSelect,
  Pagination,
  Paper,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useDisclosure, useMediaQuery } from "@mantine/hooks";
import { type FormEvent, useState } from "react";
import { useLocation, useSearch } from "wouter";
import { PRIORITIES, SORT_FIELDS, SOURCE_TYPES, STAGES, STATES, TYPES } from "../api/enums";
import { useGql } from "../api/hooks";
import { useLiveEvents } from "../api/useLiveEvents";
import { ErrorNotice, words } from "../components/format";
import { IncidentTable } from "../components/IncidentTable";
import { LiveIndicator } from "../components/LiveIndicator";
import { graphql } from "../gql";
import { formatFilters, type HubFilters, type ListFilter, PAGE_SIZE, parseFilters, toSearchInput } from "./hubFilters";

const SearchIncidentsDocument = graphql(`
  query SearchIncidents($input: SearchIncidentsInput!) {
    searchIncidents(input: $input) {
      total
      totalIsLowerBound
      incidents { ...IncidentRow }
      facets { field aggregations { value count } }
    }
  }
`);

type Facets = { field: string; aggregations: { value: string; count: number }[] }[];

function enumOptions(values: readonly string[], facet: string, facets: Facets | undefined) {
  const counts = new Map(
    (facets?.find((f) => f.field === facet)?.aggregations ?? []).map((a) => [a.value, a.count]),
  );
  return values.map((value) => ({
    value,
    label: counts.size ? `${words(value)} (${counts.get(value) ?? 0})` : words(value),
  }));
}

export function HubPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const filters = parseFilters(search);
  const [query, setQuery] = useState(filters.q);
  // On a phone the filters fold away behind a button; the search field stays.
  const wide = useMediaQuery("(min-width: 48em)", true, { getInitialValueInEffect: false });
  const [foldedOpen, { toggle: toggleFilters }] = useDisclosure(false);
  const active = ["state", "stage", "priority", "type", "source", "assignee", "lead", "reporter", "asset", "platform", "owner"]
    .reduce((n, name) => n + filters[name as ListFilter].length, 0) + (filters.after ? 1 : 0) + (filters.before ? 1 : 0);
  const [changed, setChanged] = useState<Set<string>>(() => new Set());
  const result = useGql(SearchIncidentsDocument, { input: toSearchInput(filters) });
  const live = useLiveEvents(null, ["SearchIncidents"], (event) =>
    setChanged((previous) => new Set(previous).add(event.incidentUrn)),
  );

  // Every change of view goes through the URL, so the view can be shared and goes back.
  const show = (next: Partial<HubFilters>) =>
    navigate(`/${formatFilters({ ...filters, page: 1, ...next })}`);
  const setList = (name: ListFilter) => (values: string[]) => show({ [name]: values });

  const facets = result.data?.searchIncidents.facets;
  const platformOptions = (facets?.find((f) => f.field === "platform")?.aggregations ?? []).map((a) => a.value);
  const data = result.data?.searchIncidents;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1}>Incidents</Title>
        <LiveIndicator status={live} />
      </Group>
      <Paper withBorder p="sm">
        <form
          aria-label="Filter incidents"
          onSubmit={(event: FormEvent) => {
            event.preventDefault();
            show({ q: query.trim() });
          }}
        >
          <Stack gap="sm">
            <Group align="end" wrap="nowrap">
              <TextInput
                label="Search titles and notes"
                placeholder="words that must all appear"
                value={query}
                onChange={(event) => setQuery(event.currentTarget.value)}
                style={{ flex: 1 }}
              />
              <Button type="submit">Search</Button>
            </Group>
            {!wide && (
              <Button variant="default" onClick={toggleFilters} aria-expanded={foldedOpen}>
                {foldedOpen ? "Hide filters" : `Filters${active ? ` (${active} set)` : ""}`}
              </Button>
            )}
            <Collapse expanded={wide || foldedOpen}>
            <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
              <MultiSelect label="State" data={enumOptions(STATES, "state", facets)} value={filters.state} onChange={setList("state")} clearable />
              <MultiSelect label="Stage" data={enumOptions(STAGES, "stage", facets)} value={filters.stage} onChange={setList("stage")} clearable />
              <MultiSelect label="Priority" data={enumOptions(PRIORITIES, "priority", facets)} value={filters.priority} onChange={setList("priority")} clearable />
              <MultiSelect label="Type" data={enumOptions(TYPES, "type", facets)} value={filters.type} onChange={setList("type")} clearable />
              <MultiSelect label="Source" data={enumOptions(SOURCE_TYPES, "", undefined)} value={filters.source} onChange={setList("source")} clearable />
              <TagsInput label="Platform" data={platformOptions} value={filters.platform} onChange={setList("platform")} placeholder="snowflake" clearable />
              <TagsInput label="Assignee" value={filters.assignee} onChange={setList("assignee")} placeholder="urn:li:corpuser:…" clearable />
              <TagsInput label="Lead" value={filters.lead} onChange={setList("lead")} placeholder="urn:li:corpuser:…" clearable />
              <TagsInput label="Reporter" value={filters.reporter} onChange={setList("reporter")} placeholder="urn:li:corpuser:…" clearable />
              <TagsInput label="Asset" value={filters.asset} onChange={setList("asset")} placeholder="urn:li:dataset:…" clearable />
              <TagsInput label="Owner" value={filters.owner} onChange={setList("owner")} placeholder="urn:li:corpuser:… or corpGroup" clearable />
              <TextInput label="Raised from" type="date" value={filters.after} onChange={(event) => show({ after: event.currentTarget.value })} />
              <TextInput label="Raised until" type="date" value={filters.before} onChange={(event) => show({ before: event.currentTarget.value })} />
            </SimpleGrid>
            <Group justify="space-between" align="end">
              <Group align="end">
                <Select
                  label="Sort by"
                  data={[{ value: "", label: "default (relevance, then newest)" }, ...SORT_FIELDS.map((f) => ({ value: f, label: f === "CREATED" ? "time raised" : f === "UPDATED" ? "last change" : "priority" }))]}
                  value={filters.sort}
                  onChange={(value) => show({ sort: value ?? "" })}
                  allowDeselect={false}
                />
                <SegmentedControl
                  aria-label="Order"
                  data={[
                    { value: "DESC", label: "descending" },
                    { value: "ASC", label: "ascending" },
                  ]}
                  value={filters.order}
                  onChange={(value) => show({ order: value })}
                  disabled={!filters.sort}
                />
              </Group>
              <Button variant="default" onClick={() => { setQuery(""); navigate("/"); }}>
                Clear filters
              </Button>
            </Group>
            </Stack>
            </Collapse>
          </Stack>
        </form>
      </Paper>
      <ErrorNotice error={result.error} />
      {data && (
        <>
          <Text size="sm" data-testid="incident-total">
            {data.total}
            {data.totalIsLowerBound ? "+" : ""} incident{data.total === 1 ? "" : "s"}
            {data.totalIsLowerBound ? " (the most recent considered; narrow the filters to reach older ones)" : ""}
          </Text>
          {data.incidents.length > 0 ? (
            <IncidentTable incidents={data.incidents} changed={changed} caption="Incidents matching the filters" />
          ) : (
            <Text c="dimmed">No incident matches these filters.</Text>
          )}
          {pages > 1 && (
            <Pagination
              total={pages}
              value={filters.page}
              onChange={(page) => navigate(`/${formatFilters({ ...filters, page })}`)}
              getControlProps={(control) => ({ "aria-label": `${control} page` })}
            />
          )}
        </>
      )}
    </Stack>
  );
}
