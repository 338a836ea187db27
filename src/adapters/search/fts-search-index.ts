// The embedded search index: SQLite FTS5 in DATA_DIR/search.db (see fts-schema.ts), ranked with
// bm25, with prefix matching so a half-typed word finds its products. User text never reaches
// FTS5 syntax (fts-query.ts). SQLite is reached only through src/sqlite/sqlite.ts.
import type { Product } from "../catalog/catalog-store.ts";
import { type Database, openDatabase, type SqlValue } from "../../sqlite/sqlite.ts";
import * as sql from "./fts-schema.ts";
import { toFtsQuery } from "./fts-query.ts";
import { checkPage, type SearchHit, type SearchIndex, type SearchResult } from "./search-index.ts";

export class FtsSearchIndex implements SearchIndex {
  readonly kind = "fts5" as const;
  readonly #db: Database;
  #ensured = false;
  #rebuilding = false;
  #closed = false;

  private constructor(db: Database) {
    this.#db = db;
  }

  /** Opens (creating if needed) the index file; tables are created by ensure(). */
  static async open(path: string): Promise<FtsSearchIndex> {
    const db = await openDatabase(path);
    // 8 MiB of pages. A full rebuild writes most pages once, so a bigger cache mostly holds pages
    // nobody reads again. Measured on 1M products (npm run bench catalog): with 32 MiB the full
    // sync's peak RSS grew ~104 MB, with 8 MiB ~79 MB, the sync taking ~20 s either way (FTS5's
    // final 'rebuild' step alone ~5% slower); 100-document upserts no slower.
    db.exec("PRAGMA cache_size = -8192");
    return new FtsSearchIndex(db);
  }

  get path(): string {
    return this.#db.path;
  }

  async exists(): Promise<boolean> {
    return this.#exists();
  }

  async ensure(): Promise<void> {
    this.#open();
    if (this.#ensured || this.#rebuilding) return;
    if (this.#tablesExist() && this.#version() !== sql.SCHEMA_VERSION) {
      // An index written by another schema version is rebuilt, not migrated: it is derived data.
      this.#db.transaction(() => this.#db.exec(sql.DROP_SCHEMA));
    }
    this.#db.transaction(() => this.#db.exec(sql.CREATE_SCHEMA));
    this.#ensured = true;
  }

  async recreate(): Promise<void> {
    this.#open();
    this.#db.transaction(() => {
      this.#db.exec(sql.DROP_SCHEMA);
      this.#db.exec(sql.CREATE_SCHEMA);
    });
    this.#ensured = true;
  }

  async rebuild(
    batches: AsyncIterable<Product[]> | Iterable<Product[]>,
    onProgress?: (written: number) => void,
  ): Promise<number> {
    this.#open();
    if (this.#rebuilding) throw new Error(`a rebuild of ${this.#db.path} is already running`);
    this.#rebuilding = true;
    this.#ensured = false;
    try {
      this.#db.transaction(() => {
        this.#db.exec(sql.DROP_SCHEMA);
        this.#db.exec(sql.CREATE_SCHEMA);
        this.#db.exec(sql.BEGIN_BULK_LOAD);
      });
      // Upserts and removals arriving meanwhile (product events) only touch search_documents,
      // which the final 'rebuild' indexes along with everything else.
      const upsert = this.#db.prepare(sql.UPSERT);
      let written = 0;
      for await (const batch of batches) {
        this.#open();
        this.#db.transaction(() => {
          for (const p of batch) {
            if (p.deletedAt !== null) continue;
            upsert.run(...documentRow(p));
            written++;
          }
        });
        onProgress?.(written);
      }
      this.#db.transaction(() => {
        this.#db.exec(sql.FINISH_BULK_LOAD);
        this.#db.exec(sql.CREATE_SCHEMA); // triggers back, user_version set: the index exists
      });
      this.#ensured = true;
      return written;
    } finally {
      this.#rebuilding = false;
    }
  }

  async upsert(products: Product[]): Promise<void> {
    if (products.length === 0) return;
    await this.ensure();
    const upsert = this.#db.prepare(sql.UPSERT);
    const remove = this.#db.prepare(sql.DELETE_ONE);
    this.#db.transaction(() => {
      for (const p of products) {
        if (p.deletedAt !== null) remove.run(p.id);
        else upsert.run(...documentRow(p));
      }
    });
  }

  async remove(ids: number[]): Promise<void> {
    if (ids.length === 0 || !this.#tablesExist()) return;
    const remove = this.#db.prepare(sql.DELETE_ONE);
    this.#db.transaction(() => {
      for (const id of ids) remove.run(id);
    });
  }

  async search(query: string, options: { limit: number; offset: number }): Promise<SearchResult> {
    checkPage(options);
    const match = toFtsQuery(query);
    if (match === null || !this.#exists()) return { total: 0, hits: [] };
    const total = this.#db.prepare(sql.SEARCH_TOTAL).get<{ n: number }>(match)?.n ?? 0;
    if (total === 0 || options.limit === 0) return { total, hits: [] };
    const hits = this.#db
      .prepare(sql.SEARCH)
      .all<SearchHit>(match, String(query).trim(), options.limit, options.offset)
      .map((h) => ({ ...h, score: Number(h.score) }));
    return { total, hits };
  }

  async count(): Promise<number> {
    if (!this.#exists()) return 0;
    return this.#db.prepare(sql.COUNT).get<{ n: number }>()?.n ?? 0;
  }

  async ids(afterId: number, limit: number): Promise<number[]> {
    if (!this.#exists()) return [];
    return this.#db.prepare(sql.IDS_AFTER).all<{ id: number }>(afterId, limit).map((r) => r.id);
  }

  async refresh(): Promise<void> {
    this.#open(); // a commit is already visible to every reader
  }

  async ping(): Promise<void> {
    this.#open();
    this.#db.prepare("SELECT 1").get();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  /** Tables present and fully built (a rebuild in progress or interrupted does not count). */
  #exists(): boolean {
    return this.#tablesExist() && this.#version() === sql.SCHEMA_VERSION;
  }

  #tablesExist(): boolean {
    this.#open();
    return (this.#db.prepare(sql.TABLES_EXIST).get<{ n: number }>()?.n ?? 0) === 2;
  }

  #version(): number {
    return this.#db.prepare("PRAGMA user_version").get<{ user_version: number }>()?.user_version ?? 0;
  }

  #open(): void {
    if (this.#closed) throw new Error(`the search index ${this.#db.path} is closed; open it again`);
  }
}

function documentRow(p: Product): SqlValue[] {
  return [
    p.id,
    p.sku,
    p.name,
    p.description ?? "",
    p.categoryId,
    p.categoryName,
    p.priceCents,
    p.stockQuantity,
    p.isActive ? 1 : 0,
    p.updatedAt,
  ];
}
