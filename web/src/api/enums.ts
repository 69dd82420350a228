import type {
  IncidentPriority,
  IncidentRootCauseCategory,
  IncidentSortField,
  IncidentSourceType,
  IncidentStage,
  IncidentState,
  IncidentType,
  UserRole,
} from "../gql/graphql";

// Runtime lists of the schema's enum values; typed by them, so a renamed value fails the build.
export const STATES: IncidentState[] = ["ACTIVE", "RESOLVED"];
export const STAGES: IncidentStage[] = ["TRIAGE", "INVESTIGATION", "WORK_IN_PROGRESS", "FIXED", "NO_ACTION_REQUIRED"];
export const PRIORITIES: IncidentPriority[] = ["CRITICAL", "HIGH", "MEDIUM", "LOW"];
export const TYPES: IncidentType[] = ["FRESHNESS", "VOLUME", "FIELD", "SQL", "DATA_SCHEMA", "OPERATIONAL", "CUSTOM"];
export const SOURCE_TYPES: IncidentSourceType[] = ["MANUAL", "ASSERTION_FAILURE"];
export const SORT_FIELDS: IncidentSortField[] = ["CREATED", "UPDATED", "PRIORITY"];
export const ROOT_CAUSES: IncidentRootCauseCategory[] = [
  "FALSE_POSITIVE",
  "MISSING_DATA",
  "DUPLICATES",
  "OUT_OF_BOUNDS",
  "UPSTREAM_FAILURE",
  "SCHEMA_CHANGE",
  "CODE_CHANGE",
  "INFRASTRUCTURE",
  "OTHER",
];
export const ROLES: UserRole[] = ["ADMIN", "EDITOR", "MEMBER", "VIEWER"];

export function options<T extends string>(values: readonly T[]): { value: T; label: string }[] {
  return values.map((value) => ({ value, label: value.toLowerCase().replaceAll("_", " ") }));
}
