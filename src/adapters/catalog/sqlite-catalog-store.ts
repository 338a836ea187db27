// The catalog in a SQLite file (the embedded default). Queries go through drizzle's query
// builder over our SQLite module (see sqlite-drizzle.ts), except the bulk paths, hand-written on
// prepared statements (sqlite-sql.ts) because drizzle costs more than the query there: the bulk
// insert (one cached statement per row inside one transaction; a multi-row VALUES list would hit
// SQLite's parameter limit), the stream and change feed (2.3× faster raw), and the totals.
import { and, count, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, max, sql } from "drizzle-orm";
import type { SqliteRemoteDatabase } from "drizzle-orm/sqlite-proxy";
import { categories as c, products as p } from "../../../db/catalog/sqlite-schema.ts";
import { ConflictError, DependencyUnavailableError } from "../../errors.ts";
import { projectPath } from "../../paths.ts";
import { migrateSqlite } from "../../sqlite/migrate.ts";
import { type Database, openDatabase } from "../../sqlite/sqlite.ts";
import {
  type CatalogStore,
  type CatalogTotals,
  type Category,
  type ChangeCursor,
  type NewProduct,
  type Page,
  type Product,
  type ProductFilter,
  type ProductPatch,
  STOCK_LOW_AT_OR_BELOW,
  type StockAlertRow,
} from "./catalog-store.ts";
import { type ErrorContext, fromSqlite } from "./catalog-errors.ts";
import { categoryTotals, type TotalsRow } from "./catalog-totals.ts";
import { keysetPages } from "./keyset-stream.ts";
import { chunks, filterConditions, toPage } from "./product-filters.ts";
import { parseInstant, toCategory, toProduct, wholeMs } from "./product-row.ts";
import { drizzleOver, type RunOutcome } from "./sqlite-drizzle.ts";
import {
  CHANGED_AFTER,
  CHANGED_FIRST,
  fromRawRow,
  INSERT_PRODUCT,
  type RawProductRow,
  STREAM_PAGE,
  TOTALS,
} from "./sqlite-sql.ts";
import {
  checkInt,
  definedOnly,
  MAX_INT32,
  refusedStockChange,
  validateCategory,
  validateFilter,
  validateNewProduct,
  validatePatch,
  withDefaults,
} from "./product-input.ts";

export interface SqliteCatalogStoreOptions {
  /** Epoch milliseconds; the store never reads the system clock itself. */
  now: () => number;
}

const productFields = {
  id: p.id,
  sku: p.sku,
  name: p.name,
  description: p.description,
  categoryId: p.categoryId,
  // A correlated lookup rather than a join: products stays the only table in FROM, so SQLite
  // always drives the query from the products index that fits (with a join and stats from a
  // small catalog it chose to loop over categories and sort the whole page range instead).
  categoryName: sql<string>`(SELECT ${c.name} FROM ${c} WHERE ${c.id} = ${p.categoryId})`,
  priceCents: p.priceCents,
  stockQuantity: p.stockQuantity,
  isActive: p.isActive,
  popularity: p.popularity,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  deletedAt: p.deletedAt,
};

// Written as literals, not bound parameters, so SQLite matches the partial indexes' WHERE.
const liveActive = sql`${p.deletedAt} IS NULL AND ${p.isActive} = 1`;

/** Opens (creating if needed) the catalog file; call migrate() before use. */
export async function openSqliteCatalogStore(path: string, options: SqliteCatalogStoreOptions): Promise<SqliteCatalogStore> {
  try {
    return new SqliteCatalogStore(await openDatabase(path), options);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new DependencyUnavailableError("catalog", `cannot open the SQLite catalog at ${path}: ${why}`, { cause: err });
  }
}

export class SqliteCatalogStore implements CatalogStore {
  readonly kind = "sqlite" as const;
  readonly #db: Database;
  readonly #orm: SqliteRemoteDatabase;
  readonly #now: () => number;

  constructor(db: Database, options: SqliteCatalogStoreOptions) {
    this.#db = db;
    this.#orm = drizzleOver(db);
    this.#now = options.now;
  }

  /** Runs a call with driver errors turned into the product's error classes. */
  async #run<T>(fn: () => Promise<T> | T, ctx: ErrorContext = {}): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw fromSqlite(err, ctx);
    }
  }

  #products() {
    return this.#orm.select(productFields).from(p);
  }

  async migrate(): Promise<void> {
    await this.#run(() => void migrateSqlite(this.#db, projectPath("db", "catalog", "migrations", "sqlite")));
  }

  async ping(): Promise<void> {
    await this.#run(() => this.#db.prepare("SELECT 1").get());
  }

  async close(): Promise<void> {
    this.#db.close();
  }

  // --- categories ---

  async listCategories(): Promise<Category[]> {
    return this.#run(async () => (await this.#orm.select().from(c).orderBy(c.name)).map(toCategory));
  }

  async getCategory(id: number): Promise<Category | null> {
    const row = await this.#run(() => this.#orm.select().from(c).where(eq(c.id, id)).get());
    return row ? toCategory(row) : null;
  }

  async createCategory(input: { name: string; description?: string }): Promise<Category> {
    validateCategory(input, true);
    const t = wholeMs(this.#now);
    const row = await this.#run(
      () =>
        this.#orm
          .insert(c)
          .values({ name: input.name, description: input.description ?? "", createdAt: t, updatedAt: t })
          .returning()
          .get(),
      { categoryName: input.name },
    );
    return toCategory(row);
  }

  async updateCategory(id: number, patch: { name?: string; description?: string }): Promise<Category | null> {
    validateCategory(patch, false);
    if (patch.name === undefined && patch.description === undefined) return this.getCategory(id);
    const t = wholeMs(this.#now);
    // Products first, while the old name is still there to compare with: only a real rename
    // re-stamps them (their search documents carry the category name).
    const renamed = sql`EXISTS (SELECT 1 FROM ${c} WHERE ${c.id} = ${id} AND ${c.name} <> ${patch.name ?? null})`;
    const [, updated] = await this.#run(
      () =>
        this.#orm.batch([
          this.#orm
            .update(p)
            .set({ updatedAt: t })
            .where(and(eq(p.categoryId, id), isNull(p.deletedAt), renamed)),
          this.#orm
            .update(c)
            .set({ name: patch.name, description: patch.description, updatedAt: t })
            .where(eq(c.id, id))
            .returning(),
        ]),
      { categoryName: patch.name },
    );
    return updated[0] ? toCategory(updated[0]) : null;
  }

  async deleteCategory(id: number): Promise<boolean> {
    const noLive = sql`NOT EXISTS (SELECT 1 FROM ${p} WHERE ${p.categoryId} = ${id} AND ${p.deletedAt} IS NULL)`;
    const [, deleted] = await this.#run(() =>
      this.#orm.batch([
        this.#orm.delete(p).where(and(eq(p.categoryId, id), isNotNull(p.deletedAt), noLive)),
        this.#orm.delete(c).where(and(eq(c.id, id), noLive)).returning({ id: c.id }),
      ]),
    );
    if (deleted.length > 0) return true;
    if (!(await this.getCategory(id))) return false;
    const live = await this.#countProductsIn(id);
    throw new ConflictError(`category ${id} still has ${live} live product(s); delete or move them first`);
  }

  async #countProductsIn(categoryId: number): Promise<number> {
    const row = await this.#run(() =>
      this.#orm
        .select({ n: count() })
        .from(p)
        .where(and(eq(p.categoryId, categoryId), isNull(p.deletedAt)))
        .get(),
    );
    return row?.n ?? 0;
  }

  // --- products ---

  async listProducts(filter: ProductFilter): Promise<Page<Product>> {
    validateFilter(filter);
    const where = filterConditions(p, filter);
    const after = filter.afterId !== undefined ? [gt(p.id, filter.afterId)] : [];
    return this.#run(async () => {
      const rows = await this.#products()
        .where(and(...where, ...after))
        .orderBy(p.id)
        .limit(filter.limit + 1);
      const total = await this.#orm.select({ n: count() }).from(p).where(and(...where)).get();
      return toPage(rows.map(toProduct), filter.limit, total?.n ?? 0);
    });
  }

  async getProduct(id: number): Promise<Product | null> {
    const row = await this.#run(() => this.#products().where(and(eq(p.id, id), isNull(p.deletedAt))).get());
    return row ? toProduct(row) : null;
  }

  async createProduct(input: NewProduct): Promise<Product> {
    validateNewProduct(input);
    const t = wholeMs(this.#now);
    const row = await this.#run(
      () =>
        this.#orm
          .insert(p)
          .values({ ...withDefaults(input), createdAt: t, updatedAt: t })
          .returning({ id: p.id })
          .get(),
      { sku: input.sku },
    );
    return (await this.getProduct(row.id))!;
  }

  async updateProduct(id: number, patch: ProductPatch): Promise<Product | null> {
    validatePatch(patch);
    const set = definedOnly(patch);
    if (Object.keys(set).length === 0) return this.getProduct(id);
    const row = await this.#run(
      () =>
        this.#orm
          .update(p)
          .set({ ...set, updatedAt: wholeMs(this.#now) })
          .where(and(eq(p.id, id), isNull(p.deletedAt)))
          .returning({ id: p.id })
          .get(),
      { sku: patch.sku },
    );
    return row ? this.getProduct(id) : null;
  }

  async changeStock(id: number, delta: number): Promise<Product | null> {
    checkInt("delta", delta, -MAX_INT32);
    // One statement: the check and the change cannot be split by a concurrent writer.
    const next = sql`${p.stockQuantity} + ${delta}`; // SQLite integers are 64-bit: no overflow here
    const row = await this.#run(() =>
      this.#orm
        .update(p)
        .set({ stockQuantity: next, updatedAt: wholeMs(this.#now) })
        .where(and(eq(p.id, id), isNull(p.deletedAt), gte(next, 0), lte(next, MAX_INT32)))
        .returning({ id: p.id })
        .get(),
    );
    if (row) return this.getProduct(id);
    const current = await this.getProduct(id);
    if (!current) return null;
    throw refusedStockChange(id, current.stockQuantity, delta);
  }

  async deleteProduct(id: number): Promise<boolean> {
    const t = wholeMs(this.#now);
    const row = await this.#run(() =>
      this.#orm
        .update(p)
        .set({ deletedAt: t, updatedAt: t })
        .where(and(eq(p.id, id), isNull(p.deletedAt)))
        .returning({ id: p.id })
        .get(),
    );
    return row !== undefined;
  }

  async insertProducts(rows: NewProduct[]): Promise<number> {
    rows.forEach(validateNewProduct);
    const t = wholeMs(this.#now);
    const insert = this.#db.prepare(INSERT_PRODUCT);
    return this.#run(() =>
      this.#db.transaction(() => {
        for (const r of rows) {
          const d = withDefaults(r);
          try {
            insert.run(d.sku, d.name, d.description, d.categoryId, d.priceCents, d.stockQuantity, d.isActive ? 1 : 0, d.popularity, t, t);
          } catch (err) {
            throw fromSqlite(err, { sku: r.sku });
          }
        }
        return rows.length;
      }),
    );
  }

  async countProducts(): Promise<number> {
    const row = await this.#run(() => this.#orm.select({ n: count() }).from(p).where(isNull(p.deletedAt)).get());
    return row?.n ?? 0;
  }

  async maxProductId(): Promise<number> {
    const row = await this.#run(() => this.#orm.select({ id: max(p.id) }).from(p).get());
    return row?.id ?? 0;
  }

  // --- feeds for the search sync and cleanup ---

  async changedSince(cursor: ChangeCursor | null, limit: number): Promise<Product[]> {
    checkInt("limit", limit, 1, 100_000);
    const rows = await this.#run(() =>
      cursor
        ? this.#db
            .prepare(CHANGED_AFTER)
            .all<RawProductRow>(parseInstant("updatedAt", cursor.updatedAt), cursor.id, limit)
        : this.#db.prepare(CHANGED_FIRST).all<RawProductRow>(limit),
    );
    return rows.map(fromRawRow);
  }

  streamProducts(batchSize: number): AsyncIterable<Product[]> {
    checkInt("batchSize", batchSize, 1, 100_000);
    return keysetPages(
      (afterId, limit) =>
        this.#run(() => this.#db.prepare(STREAM_PAGE).all<RawProductRow>(afterId, limit).map(fromRawRow)),
      batchSize,
    );
  }

  async existingIds(ids: number[]): Promise<Set<number>> {
    const found = new Set<number>();
    for (const part of chunks(ids, 500)) {
      const rows = await this.#run(() =>
        this.#orm
          .select({ id: p.id })
          .from(p)
          .where(and(inArray(p.id, part), isNull(p.deletedAt))),
      );
      for (const r of rows) found.add(r.id);
    }
    return found;
  }

  async purgeDeleted(before: string): Promise<number> {
    const cutoff = parseInstant("before", before);
    const result = await this.#run(() => this.#orm.delete(p).where(lt(p.deletedAt, cutoff)));
    return (result as unknown as RunOutcome).changes;
  }

  // --- aggregates, computed by SQLite ---

  async totals(): Promise<CatalogTotals> {
    const rows = await this.#run(() => this.#db.prepare(TOTALS).all<TotalsRow>(STOCK_LOW_AT_OR_BELOW));
    return categoryTotals(rows);
  }

  async stockAtOrBelow(threshold: number, limit: number, above = -1): Promise<StockAlertRow[]> {
    checkInt("threshold", threshold, 0);
    checkInt("limit", limit, 1, 100_000);
    return this.#run(() =>
      this.#orm
        .select({
          id: p.id,
          sku: p.sku,
          name: p.name,
          categoryName: productFields.categoryName,
          stockQuantity: p.stockQuantity,
        })
        .from(p)
        .where(and(liveActive, lte(p.stockQuantity, threshold), gt(p.stockQuantity, above)))
        .orderBy(p.stockQuantity, p.id)
        .limit(limit),
    );
  }

  async popularProducts(limit: number): Promise<Product[]> {
    checkInt("limit", limit, 1, 10_000);
    const rows = await this.#run(() =>
      this.#products().where(liveActive).orderBy(desc(p.popularity), desc(p.id)).limit(limit),
    );
    return rows.map(toProduct);
  }
}
