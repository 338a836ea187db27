// Keeping the search index in line with the catalog: the work of the Elasticsearch Sync service.
//
//   no watermark, or the index is missing ──▶ full rebuild (stream every live product in batches)
//   otherwise ──▶ incremental: the products changed since the watermark, in (updatedAt, id) order,
//                 upserted (soft-deleted ones removed), the watermark moved after every batch
//
// The watermark is persisted (sync-watermark.ts), so a restart resumes incrementally. Between
// passes, product events are applied one by one (applyProductEvent) so search is current within
// seconds; the passes repair whatever an event missed.
//
// Late commits: updatedAt is stamped by the writer's clock before its transaction commits, so a
// change stamped just before the watermark can become visible just after a pass read past it (or
// come from a process whose clock is slightly behind). A pass therefore re-reads the changes
// stamped within SYNC_OVERLAP_MS before the previous pass started reading — and only those: once
// the watermark is older than that window (a quiet catalog), nothing is read twice. Re-applying a
// product is harmless; only changes past the watermark count as synced.
import type { CatalogStore, ChangeCursor, Product } from "../../adapters/catalog/catalog-store.ts";
import type { CatalogEvent } from "../../adapters/bus/event-bus.ts";
import type { SearchIndex } from "../../adapters/search/search-index.ts";
import type { SyncWatermark } from "./sync-watermark.ts";

/** Products per database page and per index write: bounded memory whatever the catalog's size. */
export const SYNC_BATCH = 1000;
/** Longest a write may take between stamping updatedAt and committing (plus clock skew). */
export const SYNC_OVERLAP_MS = 2_000;

export interface SyncDeps {
  catalog: CatalogStore;
  search: SearchIndex;
  watermark: SyncWatermark;
  now: () => number;
  signal?: AbortSignal;
  progress?: (percent: number, message: string) => void;
  batchSize?: number;
}

export interface SyncOutcome {
  mode: "full" | "incremental";
  /** Why a full rebuild ran ("the index is missing", …). */
  reason: string | null;
  /** Products brought in line: documents written by a rebuild, or changes past the watermark. */
  synced: number;
  upserted: number;
  removed: number;
  /** Changes inside the late-commit window, applied again. */
  reread: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const cmp = (a: ChangeCursor, b: ChangeCursor) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt) || a.id - b.id;
const cursorOf = (p: Product): ChangeCursor => ({ updatedAt: p.updatedAt, id: p.id });
const count = (n: number) => n.toLocaleString("en-US");

export async function syncSearch(deps: SyncDeps): Promise<SyncOutcome> {
  const { search, watermark } = deps;
  const state = await watermark.read();
  const reason = !(await search.exists())
    ? "the index is missing"
    : state === null
      ? "no sync has been recorded for this index"
      : state.index !== search.kind
        ? `the last sync was into ${state.index}, not ${search.kind}`
        : null;
  if (reason !== null || state === null) return fullRebuild(deps, reason ?? "no watermark");
  return incremental(deps, state.cursor, state.readAt);
}

async function fullRebuild(deps: SyncDeps, reason: string): Promise<SyncOutcome> {
  const { catalog, search, watermark, progress = () => {} } = deps;
  const startedAt = deps.now();
  // A rebuild that stops part-way leaves a partial index: without a watermark the next pass
  // rebuilds again instead of resuming from an old cursor.
  await watermark.clear();
  const total = await catalog.countProducts();
  progress(0, `Full rebuild (${reason}): indexing ${count(total)} products`);
  // The newest change streamed: on a quiet catalog the next pass starts right after it. Changes
  // made while the rebuild runs are stamped after startedAt and are read by the next pass.
  let newest: ChangeCursor | null = null;
  const signal = deps.signal;
  async function* observed(): AsyncGenerator<Product[]> {
    for await (const batch of catalog.streamProducts(deps.batchSize ?? SYNC_BATCH)) {
      signal?.throwIfAborted();
      for (const p of batch) if (newest === null || cmp(cursorOf(p), newest) > 0) newest = cursorOf(p);
      yield batch;
    }
  }
  const written = await search.rebuild(observed(), (n) => progress(total ? Math.min(99, (100 * n) / total) : 99, `Indexed ${count(n)} of ${count(total)} products`));
  const start: ChangeCursor = { updatedAt: iso(startedAt), id: 0 };
  const cursor = newest !== null && cmp(newest, start) < 0 ? newest : start;
  await watermark.write({ index: search.kind, cursor, readAt: startedAt });
  progress(100, `Indexed ${count(written)} products`);
  return { mode: "full", reason, synced: written, upserted: written, removed: 0, reread: 0 };
}

async function incremental(deps: SyncDeps, stored: ChangeCursor, lastReadAt: number): Promise<SyncOutcome> {
  const { catalog, search, watermark, progress = () => {} } = deps;
  const batchSize = deps.batchSize ?? SYNC_BATCH;
  const startedAt = deps.now();
  const window: ChangeCursor = { updatedAt: iso(lastReadAt - SYNC_OVERLAP_MS), id: 0 };
  let from = cmp(window, stored) < 0 ? window : stored;
  let mark = stored;
  const out: SyncOutcome = { mode: "incremental", reason: null, synced: 0, upserted: 0, removed: 0, reread: 0 };
  const since = Date.parse(stored.updatedAt);
  for (;;) {
    deps.signal?.throwIfAborted();
    const rows = await catalog.changedSince(from, batchSize);
    if (rows.length === 0) break;
    await search.upsert(rows); // soft-deleted products are removed
    for (const p of rows) {
      if (cmp(cursorOf(p), stored) <= 0) out.reread++;
      else if (p.deletedAt === null) out.upserted++;
      else out.removed++;
    }
    from = cursorOf(rows[rows.length - 1]);
    if (cmp(from, mark) > 0) {
      mark = from;
      await watermark.write({ index: search.kind, cursor: mark, readAt: startedAt });
    }
    // Progress by time covered: changes run from the old watermark up to this pass's start.
    const span = startedAt - since;
    const covered = Date.parse(from.updatedAt) - since;
    progress(span > 0 ? Math.max(0, Math.min(99, (100 * covered) / span)) : 99, `Applied ${count(out.upserted + out.removed)} changes`);
    if (rows.length < batchSize) break;
  }
  // The late-commit window moves on even when nothing changed.
  if (mark === stored) await watermark.write({ index: search.kind, cursor: mark, readAt: startedAt });
  out.synced = out.upserted + out.removed;
  progress(100, `Applied ${count(out.synced)} changes`);
  return out;
}

/**
 * Applies one product event to the index: the product as the catalog has it now (so events
 * arriving twice or out of order leave the right document), or its removal when it is gone.
 */
export async function applyProductEvent(deps: { catalog: CatalogStore; search: SearchIndex }, event: CatalogEvent): Promise<"upserted" | "removed" | "ignored"> {
  if (event.type === "inventory.alert") return "ignored";
  const product = event.type === "product.deleted" ? null : await deps.catalog.getProduct(event.productId);
  if (product) {
    await deps.search.upsert([product]);
    return "upserted";
  }
  await deps.search.remove([event.productId]);
  return "removed";
}
