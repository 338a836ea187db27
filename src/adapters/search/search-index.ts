// The search index's one interface. Implementations: SQLite FTS5 (embedded default) and
// Elasticsearch (@elastic/elasticsearch, index with an explicit mapping, bulk writes).
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

export interface SearchIndex {
  readonly kind: "fts5" | "elasticsearch";
  exists(): Promise<boolean>;
  /** Creates the index with its mapping if missing. */
  ensure(): Promise<void>;
  /** Drops and recreates (full rebuild). */
  recreate(): Promise<void>;
  /** Upserts documents in one bulk request/transaction. */
  upsert(products: Product[]): Promise<void>;
  remove(ids: number[]): Promise<void>;
  search(query: string, options: { limit: number; offset: number }): Promise<SearchResult>;
  count(): Promise<number>;
  /** Document ids in ascending order after `afterId` (for orphan cleanup). */
  ids(afterId: number, limit: number): Promise<number[]>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
