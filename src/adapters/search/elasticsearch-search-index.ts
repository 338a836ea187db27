// The Elasticsearch search index (@elastic/elasticsearch 9, against an Elasticsearch 9 cluster).
// The adapter owns its client. Writes go in _bulk requests of at most 1000 actions with
// refresh=false (a refresh per batch would make a full sync of a million products crawl; call
// refresh() at the end); a bulk response with item errors is a failure naming the documents.
// Unreachable cluster, 429 (rejected, overloaded) and 502/503/504 become
// DependencyUnavailableError("search"): the job retries later. Other 4xx are our bugs and surface
// as the client's ResponseError, whose message carries Elasticsearch's reason.
import { Client } from "@elastic/elasticsearch";
import { DependencyUnavailableError } from "../../errors.ts";
import type { Product } from "../catalog/catalog-store.ts";
import {
  HIT_SOURCE_FIELDS,
  INDEX_MAPPINGS,
  INDEX_SETTINGS,
  type ProductDocument,
  SEARCH_FIELDS,
} from "./elasticsearch-mapping.ts";
import { queryText, queryWords } from "./query-words.ts";
import { checkPage, MAX_RESULT_WINDOW, type SearchIndex, type SearchPage, type SearchResult } from "./search-index.ts";

export const MAX_BULK_ACTIONS = 1000;

// The client's default backoff between retries on a single node is 1–2 s, then 2–4 s: a job would
// sit ~5 s before learning the cluster is down. Jobs have their own retry policy, so the client
// retries briefly (100–200 ms) and then lets the failure through.
const REQUEST = {
  retryBackoff: (_min: number, _max: number, attempt: number) => Math.min(0.05 * 2 ** attempt, 0.5),
};
/** Longest query text sent; a search box has no business sending more. */
const MAX_QUERY_CHARS = 256;

export interface ElasticsearchSearchIndexOptions {
  /** ELASTICSEARCH_URL, e.g. http://localhost:9200 (credentials in the URL work). */
  node: string;
  /** Index name; "products" by default. */
  index?: string;
  /** Actions per _bulk request, 1 … 1000. */
  bulkBatchSize?: number;
  requestTimeoutMs?: number;
  /** Extra client options; tests pass `Connection` from @elastic/elasticsearch-mock. */
  clientOptions?: Partial<ConstructorParameters<typeof Client>[0]>;
}

/** One document Elasticsearch refused in a _bulk request. */
export interface BulkFailure {
  id: string;
  action: "index" | "delete";
  status: number;
  type: string;
  reason: string;
}

/** Some documents of a bulk write were refused; the others were written. */
export class BulkWriteError extends Error {
  override name = "BulkWriteError";
  constructor(
    message: string,
    readonly failures: BulkFailure[],
  ) {
    super(message);
  }
}

type BulkAction = { index: { _id: string } } | { delete: { _id: string } };

export class ElasticsearchSearchIndex implements SearchIndex {
  readonly kind = "elasticsearch" as const;
  readonly index: string;
  readonly #client: Client;
  readonly #where: string;
  readonly #batchSize: number;
  #ensured = false;

  constructor(options: ElasticsearchSearchIndexOptions) {
    const batch = options.bulkBatchSize ?? MAX_BULK_ACTIONS;
    if (!Number.isInteger(batch) || batch < 1 || batch > MAX_BULK_ACTIONS) {
      throw new RangeError(`bulkBatchSize must be an integer from 1 to ${MAX_BULK_ACTIONS}; got ${batch}`);
    }
    this.index = options.index ?? "products";
    this.#batchSize = batch;
    this.#where = describe(options.node);
    this.#client = new Client({
      node: options.node,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      maxRetries: 2,
      ...options.clientOptions,
    });
  }

  async exists(): Promise<boolean> {
    return this.#call("check the index", () => this.#client.indices.exists({ index: this.index }, REQUEST));
  }

  async ensure(): Promise<void> {
    if (this.#ensured) return;
    if (!(await this.exists())) await this.#create();
    this.#ensured = true;
  }

  async recreate(): Promise<void> {
    await this.#call("delete the index", async () => {
      try {
        await this.#client.indices.delete({ index: this.index }, REQUEST);
      } catch (err) {
        if (!isIndexMissing(err)) throw err;
      }
    });
    this.#ensured = false;
    await this.#create({ mustCreate: true });
    this.#ensured = true;
  }

  async upsert(products: Product[]): Promise<void> {
    if (products.length === 0) return;
    await this.ensure(); // never let a write auto-create the index with a guessed mapping
    const actions: Array<[BulkAction, ProductDocument | null]> = products.map((p) =>
      p.deletedAt !== null ? [{ delete: { _id: String(p.id) } }, null] : [{ index: { _id: String(p.id) } }, toDocument(p)],
    );
    await this.#bulk(actions);
  }

  /**
   * Deletes and recreates the index, then bulk-writes every batch and refreshes once at the end.
   * Searches see an empty, then filling index meanwhile; a zero-downtime variant would build a
   * new index behind an alias and swap it.
   */
  async rebuild(
    batches: AsyncIterable<Product[]> | Iterable<Product[]>,
    onProgress?: (written: number) => void,
  ): Promise<number> {
    await this.recreate();
    let written = 0;
    for await (const batch of batches) {
      const live = batch.filter((p) => p.deletedAt === null);
      if (live.length) await this.#bulk(live.map((p) => [{ index: { _id: String(p.id) } }, toDocument(p)]));
      written += live.length;
      onProgress?.(written);
    }
    await this.refresh();
    return written;
  }

  async remove(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#bulk(ids.map((id) => [{ delete: { _id: String(id) } }, null]));
  }

  async search(query: string, options: SearchPage): Promise<SearchResult> {
    checkPage(options);
    if (queryWords(query).length === 0) return { total: 0, hits: [] };
    const text = queryText(query).slice(0, MAX_QUERY_CHARS);
    const response = await this.#call("search", async () => {
      try {
        const request = {
          index: this.index,
          from: options.offset,
          size: options.limit,
          track_total_hits: true,
          _source: [...HIT_SOURCE_FIELDS],
          query: searchQuery(text),
        };
        return await this.#client.search<Pick<ProductDocument, (typeof HIT_SOURCE_FIELDS)[number]>>(request, REQUEST);
      } catch (err) {
        if (isIndexMissing(err)) return null;
        throw err;
      }
    });
    if (response === null) return { total: 0, hits: [] };
    const total = response.hits.total;
    return {
      total: typeof total === "number" ? total : (total?.value ?? 0),
      hits: response.hits.hits.map((h) => ({
        id: Number(h._id),
        sku: h._source!.sku,
        name: h._source!.name,
        description: h._source!.description,
        categoryName: h._source!.categoryName,
        priceCents: h._source!.priceCents,
        stockQuantity: h._source!.stockQuantity,
        score: h._score ?? 0,
      })),
    };
  }

  async count(): Promise<number> {
    return this.#call("count documents", async () => {
      try {
        return (await this.#client.count({ index: this.index }, REQUEST)).count;
      } catch (err) {
        if (isIndexMissing(err)) return 0;
        throw err;
      }
    });
  }

  async ids(afterId: number, limit: number): Promise<number[]> {
    if (limit <= 0) return [];
    return this.#call("list document ids", async () => {
      try {
        const request = {
          index: this.index,
          size: Math.min(limit, MAX_RESULT_WINDOW),
          track_total_hits: false,
          _source: false,
          sort: [{ id: "asc" as const }],
          query: { range: { id: { gt: afterId } } },
        };
        const response = await this.#client.search(request, REQUEST);
        return response.hits.hits.map((h) => Number(h._id));
      } catch (err) {
        if (isIndexMissing(err)) return [];
        throw err;
      }
    });
  }

  async refresh(): Promise<void> {
    await this.#call("refresh the index", async () => {
      try {
        await this.#client.indices.refresh({ index: this.index }, REQUEST);
      } catch (err) {
        if (!isIndexMissing(err)) throw err;
      }
    });
  }

  async ping(): Promise<void> {
    const ok = await this.#call("ping", () => this.#client.ping({}, REQUEST));
    if (!ok) throw new DependencyUnavailableError("search", `Elasticsearch at ${this.#where} did not answer the ping`);
  }

  async close(): Promise<void> {
    await this.#client.close();
  }

  async #create({ mustCreate = false } = {}): Promise<void> {
    await this.#call("create the index", async () => {
      try {
        const request = { index: this.index, settings: INDEX_SETTINGS as never, mappings: INDEX_MAPPINGS as never };
        await this.#client.indices.create(request, REQUEST);
      } catch (err) {
        // Another process created it between our check and our create: same mapping, fine.
        // (Not after our own delete: then it was auto-created by a write, with a guessed mapping.)
        if (mustCreate || errorType(err) !== "resource_already_exists_exception") throw err;
      }
    });
  }

  async #bulk(actions: Array<[BulkAction, ProductDocument | null]>): Promise<void> {
    for (let start = 0; start < actions.length; start += this.#batchSize) {
      const batch = actions.slice(start, start + this.#batchSize);
      const operations: unknown[] = [];
      for (const [action, doc] of batch) {
        operations.push(action);
        if (doc) operations.push(doc);
      }
      const response = await this.#call("write documents", () =>
        this.#client.bulk({ index: this.index, refresh: false, operations: operations as never }, REQUEST),
      );
      if (response.errors) this.#checkItemErrors(response.items as never, start, actions.length);
    }
  }

  #checkItemErrors(items: Array<Record<string, BulkItem>>, offset: number, total: number): void {
    const failures: BulkFailure[] = [];
    for (const item of items) {
      const [action, result] = Object.entries(item)[0] as ["index" | "delete", BulkItem];
      if (!result.error) continue; // a delete of a missing document is 404 without an error: fine
      if (action === "delete" && result.error.type === "index_not_found_exception") continue; // no index: nothing to delete
      failures.push({
        id: String(result._id),
        action,
        status: result.status,
        type: result.error.type,
        reason: result.error.reason ?? "",
      });
    }
    if (failures.length === 0) {
      if (items.some((i) => Object.values(i)[0]?.error)) return; // only deletes from a missing index
      throw new Error("Elasticsearch reported bulk errors but no item carries one");
    }
    const sample = failures
      .slice(0, 5)
      .map((f) => `${f.action} ${f.id}: ${f.type} (${f.reason})`)
      .join("; ");
    const message =
      `Elasticsearch refused ${failures.length} of ${items.length} documents in a bulk write to "${this.index}" ` +
      `(actions ${offset + 1}–${offset + items.length} of ${total}): ${sample}${failures.length > 5 ? "; …" : ""}`;
    // Rejections under load (429) clear up by themselves; anything else is a document or mapping bug.
    if (failures.every((f) => f.status === 429)) {
      throw new DependencyUnavailableError("search", message, { cause: new BulkWriteError(message, failures) });
    }
    throw new BulkWriteError(message, failures);
  }

  async #call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isUnavailable(err)) {
        const detail = err instanceof Error ? err.message : String(err);
        throw new DependencyUnavailableError(
          "search",
          `Elasticsearch at ${this.#where} could not ${what}: ${detail}; retry when the cluster is reachable`,
          { cause: err },
        );
      }
      throw err;
    }
  }
}

interface BulkItem {
  _id?: string | null;
  status: number;
  error?: { type: string; reason?: string | null };
}

/**
 * Every word must match within one field (operator "and"); the last word is a prefix (bool_prefix,
 * for search-as-you-type); the other words allow typos (fuzziness AUTO: one edit from 3 letters,
 * two from 6; prefix_length 1 keeps fuzzy expansion cheap). An exact SKU ranks first.
 */
export function searchQuery(text: string) {
  return {
    bool: {
      must: [
        {
          multi_match: {
            query: text,
            type: "bool_prefix" as const,
            fields: [...SEARCH_FIELDS],
            operator: "and" as const,
            fuzziness: "AUTO",
            prefix_length: 1,
          },
        },
      ],
      should: [{ term: { sku: { value: text, boost: 10 } } }],
    },
  };
}

function toDocument(p: Product): ProductDocument {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    description: p.description ?? "",
    categoryId: p.categoryId,
    categoryName: p.categoryName,
    priceCents: p.priceCents,
    stockQuantity: p.stockQuantity,
    isActive: p.isActive,
    updatedAt: p.updatedAt,
  };
}

// Errors are told apart by name, not instanceof: the client ships separate ESM and CommonJS
// builds, and a Connection class from the other build (the test mock's) throws the other classes.
interface ClientError {
  name?: string;
  message?: string;
  meta?: { statusCode?: number; body?: unknown };
}

function errorType(err: unknown): string | undefined {
  const e = err as ClientError;
  if (e?.name !== "ResponseError") return undefined;
  return (e.meta?.body as { error?: { type?: string } } | undefined)?.error?.type;
}

function isIndexMissing(err: unknown): boolean {
  return errorType(err) === "index_not_found_exception";
}

const UNREACHABLE = new Set(["ConnectionError", "TimeoutError", "NoLivingConnectionsError"]);

function isUnavailable(err: unknown): boolean {
  const e = err as ClientError;
  if (UNREACHABLE.has(e?.name ?? "")) return true;
  return e?.name === "ResponseError" && [429, 502, 503, 504].includes(e.meta?.statusCode ?? 0);
}

/** scheme://host:port of the node URL, without credentials, for messages. */
function describe(node: string): string {
  try {
    const u = new URL(node);
    return `${u.protocol}//${u.host}`;
  } catch {
    return "the configured ELASTICSEARCH_URL";
  }
}
