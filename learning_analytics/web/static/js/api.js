// The API client: REST reads under /api/analytics and GraphQL for the mutations, with the caller's key.
// A 401 asks for a key once (all panels wait on the same prompt) and keeps it in sessionStorage;
// a route that does not exist on this server is `Unavailable` (the panel says so, the page goes on).

export const KEY_STORAGE = "la.apiKey";
const REST = "/api/analytics";

export class ApiError extends Error {
  constructor(status, body, path) {
    const detail = (body && body.error) || {};
    super(detail.message || `HTTP ${status} from ${path}`);
    this.status = status;
    this.code = detail.code || null;
    this.field = detail.field || detail.parameter || null;
    this.requestId = detail.request_id || null;
    this.path = path;
  }
}

export class Unavailable extends Error {
  constructor(path) {
    super(`${path} is not available on this server`);
    this.path = path;
  }
}

export class GraphQLError extends Error {
  constructor(errors) {
    super(errors.map((e) => e.message).join("; "));
    this.errors = errors;
  }
}

function readKey() {
  try {
    return window.sessionStorage.getItem(KEY_STORAGE);
  } catch (_) {
    return null;
  }
}

export function storeKey(key) {
  try {
    if (key) window.sessionStorage.setItem(KEY_STORAGE, key);
    else window.sessionStorage.removeItem(KEY_STORAGE);
  } catch (_) {
    /* storage switched off: the key lives until the page closes */
  }
  memoryKey = key || null;
}

let memoryKey = readKey();
let pendingPrompt = null;

export class Api {
  /** `askKey(message)` resolves to a key, or null when the person declines. */
  constructor({ askKey, onKeysRequired }) {
    this.askKey = askKey;
    this.onKeysRequired = onKeysRequired || (() => {});
  }

  headers(extra) {
    const h = Object.assign({ Accept: "application/json" }, extra || {});
    if (memoryKey) h.Authorization = "Bearer " + memoryKey;
    return h;
  }

  async request(path, init, attempt = 0) {
    const used = memoryKey;
    const response = await fetch(path, Object.assign({}, init, { headers: this.headers(init && init.headers) }));
    if (response.status === 401 && attempt < 3) {
      this.onKeysRequired();
      // Another request's prompt got a new key meanwhile: try that one before asking again.
      if (memoryKey && memoryKey !== used) return this.request(path, init, attempt + 1);
      const key = await this.promptOnce(attempt ? "That key was refused: try another." : null);
      if (!key) throw new ApiError(401, await safeJson(response), path);
      return this.request(path, init, attempt + 1);
    }
    return response;
  }

  promptOnce(message) {
    if (!pendingPrompt) {
      pendingPrompt = Promise.resolve(this.askKey(message)).then((key) => {
        storeKey(key);
        // Let the other panels' retries through before a later refusal may ask again.
        setTimeout(() => (pendingPrompt = null), 0);
        return key;
      });
    }
    return pendingPrompt;
  }

  /** GET /api/analytics/<route>?<params>: the JSON body, `Unavailable` on 404/405, else `ApiError`. */
  async get(route, params) {
    const path = REST + "/" + route + query(params);
    const response = await this.request(path, { method: "GET" });
    if (response.status === 404 || response.status === 405) throw new Unavailable(path);
    const body = await safeJson(response);
    if (!response.ok) throw new ApiError(response.status, body, path);
    return body;
  }

  /** GET a file under /api/analytics (an export) as a Blob with its suggested file name. */
  async download(route, params) {
    const path = REST + "/" + route + query(params);
    const response = await this.request(path, { method: "GET", headers: { Accept: "*/*" } });
    if (response.status === 404 || response.status === 405) throw new Unavailable(path);
    if (!response.ok) throw new ApiError(response.status, await safeJson(response), path);
    const disposition = response.headers.get("content-disposition") || "";
    const match = /filename="?([^";]+)"?/.exec(disposition);
    return { blob: await response.blob(), filename: match ? match[1] : null };
  }

  async post(route, body) {
    const path = REST + "/" + route;
    const response = await this.request(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: body === null || body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 405) throw new Unavailable(path);
    // A 404 may be the route or the thing it names: the answer's message says which.
    const json = await safeJson(response);
    return { status: response.status, ok: response.ok, body: json };
  }

  /** A GraphQL operation: `data`, or `GraphQLError` when the answer has errors and no data. */
  async graphql(query, variables) {
    const response = await this.request("/graphql", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ query, variables: variables || {} }),
    });
    const body = await safeJson(response);
    if (response.status >= 500 || !body) throw new ApiError(response.status, body, "/graphql");
    if (body.errors && body.errors.length) {
      // A field the server's schema does not have yet: that feature is not on this server.
      if (body.errors.every((e) => /Cannot query field|Unknown type|Unknown argument/.test(e.message))) {
        throw new Unavailable("/graphql");
      }
      throw new GraphQLError(body.errors);
    }
    return body.data;
  }
}

export function query(params) {
  if (!params) return "";
  const entries = Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== "");
  return entries.length ? "?" + new URLSearchParams(entries).toString() : "";
}

async function safeJson(response) {
  try {
    return await response.json();
  } catch (_) {
    return null;
  }
}
