// A small stand-in for an Elasticsearch 9 cluster, built on @elastic/elasticsearch-mock: it keeps
// documents in memory, answers the handful of APIs the adapter uses the way a cluster does (status
// codes, error bodies, response shapes), rejects request fields a cluster would reject, and records
// every request so tests can assert exactly what was sent. Search semantics are approximated
// (standard-ish tokenizing, lowercase + ascii folding, bool_prefix with operator "and", AUTO
// fuzziness, field boosts) closely enough for the shared conformance suite.
import { createRequire } from "node:module";

// The mock is CommonJS (its types claim an ES default export) and checks errors against the
// client's CommonJS build, so both are loaded with require.
const require = createRequire(import.meta.url);
interface ElasticsearchMock {
  add(pattern: { method: string; path: string }, resolver: (params: unknown) => unknown): unknown;
  getConnection(): unknown;
}
const Mock = require("@elastic/elasticsearch-mock") as new () => ElasticsearchMock;
export const esErrors = (require("@elastic/elasticsearch") as typeof import("@elastic/elasticsearch")).errors;

export interface RecordedRequest {
  method: string;
  path: string;
  querystring: Record<string, string>;
  body: unknown;
  headers: Record<string, string>;
}

type Doc = Record<string, unknown>;
interface IndexState {
  settings: unknown;
  mappings: { properties: Record<string, { type: string; normalizer?: string; analyzer?: string }> };
  docs: Map<string, Doc>;
}

const SEARCH_KEYS = new Set(["query", "from", "size", "track_total_hits", "_source", "sort"]);
const MULTI_MATCH_KEYS = new Set(["query", "type", "fields", "operator", "fuzziness", "prefix_length"]);

function responseError(status: number, type: string, reason: string) {
  return new esErrors.ResponseError({
    body: { error: { root_cause: [{ type, reason }], type, reason }, status },
    statusCode: status,
    headers: {},
    warnings: null,
    meta: {} as never,
  } as never);
}

const fold = (s: string) =>
  s
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase();
const tokens = (s: string) => fold(s).match(/[\p{L}\p{N}]+/gu) ?? [];

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

const autoEdits = (term: string) => (term.length <= 2 ? 0 : term.length <= 5 ? 1 : 2);

export class FakeElasticsearch {
  readonly mock = new Mock();
  readonly requests: RecordedRequest[] = [];
  readonly indices = new Map<string, IndexState>();
  /** Set when a write reached an index that did not exist (a cluster would auto-create it). */
  autoCreated = false;
  /** Each entry answers one upcoming request instead of the fake (a ResponseError, or a client error to throw). */
  failures: Array<() => unknown> = [];

  constructor() {
    const route = (method: string, path: string, fn: (p: { path: string; body: unknown; querystring: Record<string, string> }) => unknown) =>
      this.mock.add({ method, path }, (params: unknown) => {
        const fail = this.failures.shift();
        if (fail) return fail() as never;
        return fn(params as never) as never;
      });
    route("HEAD", "/", () => "");
    route("HEAD", "/:index", (p) => (this.indices.has(name(p.path)) ? "" : responseError(404, "index_not_found_exception", "no such index")));
    route("PUT", "/:index", (p) => this.#create(name(p.path), p.body as Doc));
    route("DELETE", "/:index", (p) => {
      if (!this.indices.delete(name(p.path))) return responseError(404, "index_not_found_exception", `no such index [${name(p.path)}]`);
      return { acknowledged: true };
    });
    // Methods as the REST spec allows them for each API.
    for (const method of ["GET", "POST"]) {
      route(method, "/:index/_refresh", (p) =>
        this.indices.has(name(p.path)) ? { _shards: { total: 1, successful: 1, failed: 0 } } : missing(name(p.path)),
      );
      route(method, "/:index/_count", (p) => {
        const idx = this.indices.get(name(p.path));
        return idx ? { count: idx.docs.size, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } } : missing(name(p.path));
      });
      route(method, "/:index/_search", (p) => this.#search(name(p.path), (p.body ?? {}) as Doc));
    }
    for (const method of ["POST", "PUT"]) route(method, "/:index/_bulk", (p) => this.#bulk(name(p.path), p.body as Doc[]));
  }

  /** A Connection class for the client that records each request (headers included). */
  connection() {
    const Base = this.mock.getConnection() as unknown as new (...a: unknown[]) => {
      request(params: Record<string, unknown>, options: unknown): Promise<unknown>;
    };
    const requests = this.requests;
    return class RecordingConnection extends Base {
      override request(params: Record<string, unknown>, options: unknown) {
        const raw = params.body;
        const headers = Object.fromEntries(
          Object.entries((params.headers ?? {}) as Record<string, string>).map(([k, v]) => [k.toLowerCase(), String(v)]),
        );
        const type = headers["content-type"] ?? "";
        let body: unknown = null;
        if (typeof raw === "string" && raw !== "") {
          body = type.includes("x-ndjson") ? raw.split("\n").filter(Boolean).map((l) => JSON.parse(l)) : JSON.parse(raw);
        }
        const qs = Object.fromEntries(new URLSearchParams(String(params.querystring ?? "")));
        requests.push({ method: String(params.method), path: String(params.path), querystring: qs, body, headers });
        return super.request(params, options);
      }

      async close() {} // the mock's base class has no socket to close
    } as never;
  }

  #create(index: string, body: Doc) {
    if (this.indices.has(index)) {
      return responseError(400, "resource_already_exists_exception", `index [${index}/abc] already exists`);
    }
    const keys = Object.keys(body ?? {});
    const unknown = keys.filter((k) => !["settings", "mappings", "aliases"].includes(k));
    if (unknown.length) return responseError(400, "parse_exception", `unknown key [${unknown[0]}] for create index`);
    const mappings = body.mappings as IndexState["mappings"];
    const allowed = new Set(["long", "integer", "keyword", "text", "boolean", "date", "scaled_float"]);
    for (const [field, m] of Object.entries(mappings?.properties ?? {})) {
      if (!allowed.has(m.type)) return responseError(400, "mapper_parsing_exception", `No handler for type [${m.type}] declared on field [${field}]`);
    }
    this.indices.set(index, { settings: body.settings, mappings, docs: new Map() });
    return { acknowledged: true, shards_acknowledged: true, index };
  }

  #bulk(index: string, lines: Doc[]) {
    let idx = this.indices.get(index);
    if (!idx) {
      this.autoCreated = true;
      idx = { settings: {}, mappings: { properties: {} }, docs: new Map() };
      this.indices.set(index, idx);
    }
    const items: Doc[] = [];
    let errors = false;
    for (let i = 0; i < lines.length; i++) {
      const [action, meta] = Object.entries(lines[i])[0] as [string, { _id: string }];
      if (action === "index") {
        const doc = lines[++i];
        const problem = this.#checkDoc(idx, doc);
        if (problem) {
          errors = true;
          items.push({ index: { _index: index, _id: meta._id, status: 400, error: { type: problem[0], reason: problem[1] } } });
          continue;
        }
        const created = !idx.docs.has(meta._id);
        idx.docs.set(meta._id, structuredClone(doc));
        items.push({ index: { _index: index, _id: meta._id, _version: 1, result: created ? "created" : "updated", status: created ? 201 : 200 } });
      } else if (action === "delete") {
        const found = idx.docs.delete(meta._id);
        items.push({ delete: { _index: index, _id: meta._id, result: found ? "deleted" : "not_found", status: found ? 200 : 404 } });
      } else {
        return responseError(400, "illegal_argument_exception", `Malformed action/metadata line [${i + 1}], expected one of [create, delete, index, update] but found [${action}]`);
      }
    }
    return { took: 1, errors, items };
  }

  #checkDoc(idx: IndexState, doc: Doc): [string, string] | null {
    for (const [field, value] of Object.entries(doc)) {
      const m = idx.mappings.properties[field];
      if (!m) return ["strict_dynamic_mapping_exception", `[1:1] mapping set to strict, dynamic introduction of [${field}] within [_doc] is not allowed`];
      const bad =
        ((m.type === "long" || m.type === "integer") && !Number.isInteger(value)) ||
        (m.type === "boolean" && typeof value !== "boolean") ||
        ((m.type === "keyword" || m.type === "text") && typeof value !== "string") ||
        (m.type === "date" && Number.isNaN(Date.parse(String(value))));
      if (bad) return ["document_parsing_exception", `[1:1] failed to parse field [${field}] of type [${m.type}]`];
    }
    return null;
  }

  #search(index: string, body: Doc) {
    const idx = this.indices.get(index);
    if (!idx) return missing(index);
    const unknown = Object.keys(body).filter((k) => !SEARCH_KEYS.has(k));
    if (unknown.length) return responseError(400, "parsing_exception", `Unknown key for a START_OBJECT in [${unknown[0]}].`);
    const from = Number(body.from ?? 0);
    const size = Number(body.size ?? 10);
    if (from + size > 10_000) return responseError(400, "illegal_argument_exception", "Result window is too large");
    const query = body.query as Doc;
    let scored: Array<{ id: string; doc: Doc; score: number }>;
    if ("range" in query) {
      const gt = (query.range as { id: { gt: number } }).id.gt;
      scored = [...idx.docs].filter(([, d]) => (d.id as number) > gt).map(([id, doc]) => ({ id, doc, score: 1 }));
    } else {
      const problem = checkSearchQuery(query);
      if (problem) return responseError(400, "parsing_exception", problem);
      scored = [];
      for (const [id, doc] of idx.docs) {
        const score = scoreDoc(idx, doc, query);
        if (score > 0) scored.push({ id, doc, score });
      }
    }
    const sorted = body.sort
      ? scored.sort((a, b) => (a.doc.id as number) - (b.doc.id as number))
      : scored.sort((a, b) => b.score - a.score || Number(a.id) - Number(b.id));
    const page = sorted.slice(from, from + size);
    const fields = body._source;
    return {
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: {
        ...(body.track_total_hits === false ? {} : { total: { value: scored.length, relation: "eq" } }),
        max_score: page[0]?.score ?? null,
        hits: page.map((h) => ({
          _index: index,
          _id: h.id,
          _score: body.sort ? null : h.score,
          ...(fields === false ? {} : { _source: pick(h.doc, fields as string[]) }),
          ...(body.sort ? { sort: [h.doc.id] } : {}),
        })),
      },
    };
  }
}

function name(path: string): string {
  return decodeURIComponent(path.split("/")[1]);
}

function missing(index: string) {
  return responseError(404, "index_not_found_exception", `no such index [${index}]`);
}

function pick(doc: Doc, fields: string[] | undefined): Doc {
  if (!Array.isArray(fields)) return doc;
  return Object.fromEntries(fields.filter((f) => f in doc).map((f) => [f, doc[f]]));
}

function checkSearchQuery(query: Doc): string | null {
  const bool = query.bool as { must: Doc[]; should?: Doc[] } | undefined;
  const mm = bool?.must?.[0]?.multi_match as Doc | undefined;
  if (!mm) return "expected bool.must[0].multi_match";
  const unknown = Object.keys(mm).filter((k) => !MULTI_MATCH_KEYS.has(k));
  if (unknown.length) return `[multi_match] query does not support [${unknown[0]}]`;
  if (mm.type !== "bool_prefix") return "the fake only implements multi_match type bool_prefix";
  return null;
}

function scoreDoc(idx: IndexState, doc: Doc, query: Doc): number {
  const bool = query.bool as { must: Array<{ multi_match: Doc }>; should?: Array<{ term: Record<string, { value: string; boost?: number }> }> };
  const mm = bool.must[0].multi_match;
  const text = String(mm.query);
  const prefixLength = Number(mm.prefix_length ?? 0);
  let total = 0;
  for (const spec of mm.fields as string[]) {
    const [field, boostText] = spec.split("^");
    const boost = Number(boostText ?? 1);
    const mapping = idx.mappings.properties[field];
    const value = String(doc[field] ?? "");
    const keyword = mapping?.type === "keyword";
    const docTerms = keyword ? [fold(value)] : tokens(value);
    const queryTerms = keyword ? [fold(text)] : tokens(text);
    if (queryTerms.length === 0) continue;
    let fieldScore = 0;
    let all = true;
    queryTerms.forEach((term, i) => {
      const last = i === queryTerms.length - 1;
      let best = 0;
      for (const t of docTerms) {
        if (t === term) best = Math.max(best, 1);
        else if (last && t.startsWith(term)) best = Math.max(best, 0.8);
        else if (!last && t.slice(0, prefixLength) === term.slice(0, prefixLength) && editDistance(t, term) <= autoEdits(term)) {
          best = Math.max(best, 0.5);
        }
      }
      if (best === 0) all = false;
      fieldScore += best;
    });
    if (all) total += boost * fieldScore;
  }
  if (total === 0) return 0; // must clause not satisfied
  for (const clause of bool.should ?? []) {
    for (const [field, { value, boost = 1 }] of Object.entries(clause.term)) {
      if (fold(String(doc[field] ?? "")) === fold(value)) total += boost;
    }
  }
  return total;
}
