import type { IncidentSortField, IncidentSortOrder, SearchIncidentsInput } from "../gql/graphql";

export const PAGE_SIZE = 20;

/** The hub's view, as the URL holds it: `?state=ACTIVE&priority=HIGH&asset=urn...&page=2`. */
export interface HubFilters {
  q: string;
  state: string[];
  stage: string[];
  priority: string[];
  type: string[];
  source: string[];
  assignee: string[];
  lead: string[];
  reporter: string[];
  asset: string[];
  platform: string[];
  owner: string[];
  after: string; // YYYY-MM-DD, local day
  before: string;
  sort: string; // "" is the server's default: relevance with a query, else newest first
  order: string;
  page: number;
}

const LISTS = [
  "state",
  "stage",
  "priority",
  "type",
  "source",
  "assignee",
  "lead",
  "reporter",
  "asset",
  "platform",
  "owner",
] as const;

export type ListFilter = (typeof LISTS)[number];

export function parseFilters(search: string): HubFilters {
  const params = new URLSearchParams(search);
  const list = (name: string) => params.getAll(name).filter(Boolean);
  const page = Number.parseInt(params.get("page") ?? "1", 10);
  return {
    q: params.get("q") ?? "",
    state: list("state"),
    stage: list("stage"),
    priority: list("priority"),
    type: list("type"),
    source: list("source"),
    assignee: list("assignee"),
    lead: list("lead"),
    reporter: list("reporter"),
    asset: list("asset"),
    platform: list("platform"),
    owner: list("owner"),
    after: params.get("after") ?? "",
    before: params.get("before") ?? "",
    sort: params.get("sort") ?? "",
    order: params.get("order") ?? "DESC",
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

export function formatFilters(filters: HubFilters): string {
  const params = new URLSearchParams();
  if (filters.q) params.set("q", filters.q);
  for (const name of LISTS) for (const value of filters[name]) params.append(name, value);
  if (filters.after) params.set("after", filters.after);
  if (filters.before) params.set("before", filters.before);
  if (filters.sort) params.set("sort", filters.sort);
  if (filters.sort && filters.order !== "DESC") params.set("order", filters.order);
  if (filters.page > 1) params.set("page", String(filters.page));
  const text = params.toString();
  return text ? `?${text}` : "";
}

function dayStart(day: string): number | null {
  const time = day ? new Date(`${day}T00:00:00`).getTime() : Number.NaN;
  return Number.isNaN(time) ? null : time;
}

const nonEmpty = <T>(values: T[]): T[] | null => (values.length ? values : null);

/** The searchIncidents input for a view; unknown enum values reach the server, which says so. */
export function toSearchInput(filters: HubFilters): SearchIncidentsInput {
  const after = dayStart(filters.after);
  const before = dayStart(filters.before);
  return {
    query: filters.q || null,
    states: nonEmpty(filters.state) as SearchIncidentsInput["states"],
    stages: nonEmpty(filters.stage) as SearchIncidentsInput["stages"],
    priorities: nonEmpty(filters.priority) as SearchIncidentsInput["priorities"],
    types: nonEmpty(filters.type) as SearchIncidentsInput["types"],
    sourceTypes: nonEmpty(filters.source) as SearchIncidentsInput["sourceTypes"],
    assigneeUrns: nonEmpty(filters.assignee),
    leadUrns: nonEmpty(filters.lead),
    creatorUrns: nonEmpty(filters.reporter),
    resourceUrns: nonEmpty(filters.asset),
    platforms: nonEmpty(filters.platform),
    ownerUrns: nonEmpty(filters.owner),
    createdAfter: after,
    // "Before" names a whole day: everything raised up to that day's end.
    createdBefore: before === null ? null : before + 86_400_000 - 1,
    sort: filters.sort
      ? { field: filters.sort as IncidentSortField, order: filters.order as IncidentSortOrder }
      : null,
    start: (filters.page - 1) * PAGE_SIZE,
    count: PAGE_SIZE,
  };
}
