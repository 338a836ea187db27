// The search index's one interface. Implementations: SQLite FTS5 (embedded default) and
// Elasticsearch (@elastic/elasticsearch, index with an explicit mapping, bulk writes).
//
// Semantics both keep: every word of the query must match (in any of name, description, SKU,
// category); a word may be the start of a longer one ("wirel" finds "Wireless"); an exact SKU
// ranks first; query text is never parsed as query syntax, so any string is a valid query.
// Reads on an index that does not exist yet find nothing (the sync builds it); writes create it.
// An unreachable Elasticsearch rejects with DependencyUnavailableError("search", …).
import type { Product } from "../catalog/catalog-store.ts";

export interface SearchHit {
  id: number;
  sku: string;
  name: string;
  description: string;
  categoryName: string;
  priceCents: number;
  stockQuantity: number;
  score: number;
}

export interface SearchResult {
  total: number;
  hits: SearchHit[];
}

export interface SearchPage {
  /** 0 … MAX_PAGE_SIZE */
  limit: number;
  /** ≥ 0; offset + limit ≤ MAX_RESULT_WINDOW (Elasticsearch's index.max_result_window). */
  offset: number;
}

export const MAX_PAGE_SIZE = 1000;
export const MAX_RESULT_WINDOW = 10_000;

export interface SearchIndex {
  readonly kind: "fts5" | "elasticsearch";
  exists(): Promise<boolean>;
  /** Creates the index with its mapping if missing. */
  ensure(): Promise<void>;
  /** Drops and recreates (full rebuild). */
  recreate(): Promise<void>;
  /**
   * Upserts documents (creating the index if missing): FTS5 in one transaction, Elasticsearch in
   * bulk requests of at most 1000. A product with `deletedAt` set is removed instead.
   */
  upsert(products: Product[]): Promise<void>;
  /**
   * Full rebuild: drops and recreates the index, writes every batch (deleted products skipped),
   * makes the result visible, and returns how many documents were written. Much faster than
   * upserting into a live index. onProgress gets the running total after each batch. If it fails
   * part-way the index is partial: run it again (FTS5 also reports exists() false until then).
   */
  rebuild(batches: AsyncIterable<Product[]> | Iterable<Product[]>, onProgress?: (written: number) => void): Promise<number>;
  /** Removes documents by product id; ids not in the index are ignored. */
  remove(ids: number[]): Promise<void>;
  search(query: string, options: SearchPage): Promise<SearchResult>;
  count(): Promise<number>;
  /** Document ids in ascending order after `afterId` (for orphan cleanup). */
  ids(afterId: number, limit: number): Promise<number[]>;
  /**
   * Makes every write so far visible to search and count. Writes skip this for speed
   * (Elasticsearch bulk uses refresh=false and becomes visible within its refresh interval);
   * call it at the end of a full rebuild. A no-op on FTS5, where a commit is visible at once.
   */
  refresh(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Validates a page request the same way for every implementation. */
export function checkPage(page: SearchPage): void {
  const { limit, offset } = page ?? ({} as SearchPage);
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
    throw new RangeError(`limit must be an integer from 0 to ${MAX_PAGE_SIZE}; got ${limit}`);
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + limit > MAX_RESULT_WINDOW) {
    throw new RangeError(
      `offset must be an integer ≥ 0 with offset + limit ≤ ${MAX_RESULT_WINDOW}; got offset ${offset}, limit ${limit}`,
    );
  }
}
