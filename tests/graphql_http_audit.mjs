// Runs graphql-http's server audit (the GraphQL-over-HTTP conformance suite) against a running
// server and prints the results as JSON, one object per audit.
// Usage: node graphql_http_audit.mjs <dir holding node_modules/graphql-http> <url> <token>
import { createRequire } from "node:module";
import path from "node:path";

const [dir, url, token] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(dir), "package.json"));
const { auditServer } = require("graphql-http");

// Every request carries the token: the endpoint answers only authenticated callers.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set("Authorization", `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const results = await auditServer({ url, fetchFn });
const out = [];
for (const result of results) {
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== "ok") {
    entry.reason = result.reason;
    entry.response = result.response ? { status: result.response.status,
      contentType: result.response.headers.get("content-type"),
      body: await result.response.text() } : null;
  }
  out.push(entry);
}
process.stdout.write(JSON.stringify(out));
