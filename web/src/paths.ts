// Console paths; the server answers each with the console's page, so links can be shared.
// URNs keep their colons and commas readable; anything else unsafe in a path is escaped.

function encodeUrn(urn: string): string {
  return encodeURIComponent(urn).replace(/%3A/gi, ":").replace(/%2C/gi, ",");
}

export function decodeUrn(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export const incidentPath = (urn: string): string => `/incidents/${encodeUrn(urn)}`;
export const assetPath = (urn: string): string => `/assets/${encodeUrn(urn)}`;

export const paths = {
  hub: "/",
  search: "/search",
  // Not /metrics: that is the server's Prometheus endpoint.
  metrics: "/incident-metrics",
  admin: "/admin",
} as const;
