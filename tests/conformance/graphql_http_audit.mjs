// Runs the graphql-http server audits (GraphQL over HTTP conformance) against a running server.
//
//   node tests/conformance/graphql_http_audit.mjs http://127.0.0.1:8000/graphql [Authorization header value]
//
// Prints one line per audit and a JSON summary as the last line; exits 1 when any audit is a
// warning (a SHOULD) or an error (a MUST), 0 otherwise. MAY audits that fail are notices.
import { serverAudits } from "graphql-http";

const [url, authorization] = process.argv.slice(2);
if (!url) {
  console.error("usage: node graphql_http_audit.mjs URL [AUTHORIZATION]");
  process.exit(2);
}

const fetchFn = authorization
  ? (input, init = {}) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", authorization);
      return fetch(input, { ...init, headers });
    }
  : fetch;

const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
const failures = [];
for (const audit of serverAudits({ url, fetchFn })) {
  const result = await audit.fn();
  counts[result.status] += 1;
  if (result.status === "ok") {
    console.log(`ok      ${result.id} ${result.name}`);
  } else {
    const body = await result.response.text().catch(() => "");
    console.log(`${result.status.padEnd(7)} ${result.id} ${result.name}: ${result.reason}`);
    failures.push({ id: result.id, status: result.status, name: result.name, reason: result.reason, body: body.slice(0, 300) });
  }
}
console.log(JSON.stringify({ ...counts, failures }));
process.exit(counts.warn + counts.error > 0 ? 1 : 0);
