// The catalog in PostgreSQL (DATABASE_URL), through drizzle's postgres-js driver over a pool the
// store owns, except the bulk paths, hand-written (postgres-sql.ts) because drizzle costs more
// than the query there: the bulk insert (one unnest() statement per batch), the stream and the
// change feed (rows arrive ready-made, 2× faster), and the totals aggregate.
import { and, count, desc, eq, gt, gte, inArray, isNotNull, isNull, lt, lte, max, sql } from "drizzle-orm";
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import type postgres from "postgres";
import { categories as c, products as p } from "../../../db/catalog/pg-schema.ts";
import { ConflictError } from "../../errors.ts";
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
import { type ErrorContext, fromPostgres, isConnectionLost } from "./catalog-errors.ts";
import { categoryTotals, type TotalsRow } from "./catalog-totals.ts";
import { keysetPages } from "./keyset-stream.ts";
import {
  checkSchemaName,
  DEFAULT_POOL_SIZE,
  migrateCatalog,
  openPool,
  type PgConnectionOptions,
} from "./postgres-connection.ts";
import { CHANGED_AFTER, CHANGED_FIRST, INSERT_PRODUCTS, STREAM_PAGE, TOTALS } from "./postgres-sql.ts";
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
import { chunks, filterConditions, toPage } from "./product-filters.ts";
import { parseInstant, toCategory, toProduct, wholeMs } from "./product-row.ts";

export interface PostgresCatalogStoreOptions extends PgConnectionOptions {
  /** Epoch milliseconds; the store never reads the system clock or the database's. */
  now: () => number;
}

const productFields = {
  id: p.id,
  sku: p.sku,
  name: p.name,
  description: p.description,
  categoryId: p.categoryId,
  categoryName: c.name,
  priceCents: p.priceCents,
  stockQuantity: p.stockQuantity,
  isActive: p.isActive,
  popularity: p.popularity,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
  deletedAt: p.deletedAt,
};

// A literal, not a bound parameter, so the planner matches the partial indexes' WHERE even in a
// generic plan of a prepared statement.
const liveActive = sql`${p.deletedAt} IS NULL AND ${p.isActive}`;
const byName = sql`${c.name} COLLATE "C"`;

export function createPostgresCatalogStore(options: PostgresCatalogStoreOptions): PostgresCatalogStore {
  if (options.schema !== undefined) checkSchemaName(options.schema);
  return new PostgresCatalogStore(options);
}

export class PostgresCatalogStore implements CatalogStore {
  readonly kind = "postgres" as const;
  readonly #options: PostgresCatalogStoreOptions;
  readonly #sql: postgres.Sql;
  readonly #orm: PostgresJsDatabase;
  readonly #now: () => number;
  /** After a server restart every pooled connection is dead; a read may meet each once. */
  readonly #readAttempts: number;

  constructor(options: PostgresCatalogStoreOptions) {
    this.#options = options;
    this.#readAttempts = (options.maxConnections ?? DEFAULT_POOL_SIZE) + 1;
    this.#sql = openPool(options);
    this.#orm = drizzle(this.#sql);
    this.#now = options.now;
  }

  /**
   * Reads are idempotent: one that lost its connection mid-flight is simply run again. After a
   * short pause: tried at once, the driver may still see the dying connection as open (its close
   * not yet handled) and every attempt fails on it.
   */
  async #read<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (!(attempt < this.#readAttempts && isConnectionLost(err))) throw fromPostgres(err);
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
      }
    }
  }

  /** Writes are not retried (one may have committed before the connection died): the caller's job retries. */
  async #write<T>(fn: () => Promise<T>, ctx: ErrorContext = {}): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw fromPostgres(err, ctx);
    }
  }

  #products() {
    return this.#orm.select(productFields).from(p).innerJoin(c, eq(c.id, p.categoryId));
  }

  async migrate(): Promise<void> {
    await this.#write(() => migrateCatalog(this.#options));
  }

  async ping(): Promise<void> {
    await this.#read(() => this.#sql`SELECT 1`);
  }

  async close(): Promise<void> {
    await this.#sql.end({ timeout: 5 });
  }

  // --- categories ---

  async listCategories(): Promise<Category[]> {
    const rows = await this.#read(() => this.#orm.select().from(c).orderBy(byName));
    return rows.map(toCategory);
  }

  async getCategory(id: number): Promise<Category | null> {
    const [row] = await this.#read(() => this.#orm.select().from(c).where(eq(c.id, id)));
    return row ? toCategory(row) : null;
  }

  async createCategory(input: { name: string; description?: string }): Promise<Category> {
    validateCategory(input, true);
    const t = new Date(wholeMs(this.#now));
    const [row] = await this.#write(
      () =>
        this.#orm
          .insert(c)
          .values({ name: input.name, description: input.description ?? "", createdAt: t, updatedAt: t })
          .returning(),
      { categoryName: input.name },
    );
    return toCategory(row);
  }

  async updateCategory(id: number, patch: { name?: string; description?: string }): Promise<Category | null> {
    validateCategory(patch, false);
    if (patch.name === undefined && patch.description === undefined) return this.getCategory(id);
    const t = new Date(wholeMs(this.#now));
    const row = await this.#write(
      () =>
        this.#orm.transaction(async (tx) => {
          // Lock the category and learn its old name: only a real rename re-stamps its products
          // (their search documents carry the category name).
          const [before] = await tx.select({ name: c.name }).from(c).where(eq(c.id, id)).for("update");
          if (!before) return undefined;
          if (patch.name !== undefined && patch.name !== before.name) {
            await tx
              .update(p)
              .set({ updatedAt: t })
              .where(and(eq(p.categoryId, id), isNull(p.deletedAt)));
          }
          const [updated] = await tx
            .update(c)
            .set({ name: patch.name, description: patch.description, updatedAt: t })
            .where(eq(c.id, id))
            .returning();
          return updated;
        }),
      { categoryName: patch.name },
    );
    return row ? toCategory(row) : null;
  }

  async deleteCategory(id: number): Promise<boolean> {
    const outcome = await this.#write(() =>
      this.#orm.transaction(async (tx) => {
        // The row lock makes a concurrent product insert into this category wait for us.
        const [cat] = await tx.select({ id: c.id }).from(c).where(eq(c.id, id)).for("update");
        if (!cat) return { deleted: false, live: 0 };
        const [{ n }] = await tx
          .select({ n: count() })
          .from(p)
          .where(and(eq(p.categoryId, id), isNull(p.deletedAt)));
        if (n > 0) return { deleted: false, live: n };
        await tx.delete(p).where(and(eq(p.categoryId, id), isNotNull(p.deletedAt)));
        await tx.delete(c).where(eq(c.id, id));
        return { deleted: true, live: 0 };
      }),
    );
    if (outcome.live > 0) {
      throw new ConflictError(`category ${id} still has ${outcome.live} live product(s); delete or move them first`);
    }
    return outcome.deleted;
  }

  // --- products ---

  async listProducts(filter: ProductFilter): Promise<Page<Product>> {
    validateFilter(filter);
    const where = filterConditions(p, filter);
    const after = filter.afterId !== undefined ? [gt(p.id, filter.afterId)] : [];
    const [rows, [total]] = await Promise.all([
      this.#read(() =>
        this.#products()
          .where(and(...where, ...after))
          .orderBy(p.id)
          .limit(filter.limit + 1),
      ),
      this.#read(() => this.#orm.select({ n: count() }).from(p).where(and(...where))),
    ]);
    return toPage(rows.map(toProduct), filter.limit, total.n);
  }

  async getProduct(id: number): Promise<Product | null> {
    const [row] = await this.#read(() => this.#products().where(and(eq(p.id, id), isNull(p.deletedAt))));
    return row ? toProduct(row) : null;
  }

  async createProduct(input: NewProduct): Promise<Product> {
    validateNewProduct(input);
    const t = new Date(wholeMs(this.#now));
    const [row] = await this.#write(
      () =>
        this.#orm
          .insert(p)
          .values({ ...withDefaults(input), createdAt: t, updatedAt: t })
          .returning({ id: p.id }),
      { sku: input.sku },
    );
    return (await this.getProduct(row.id))!;
  }

  async updateProduct(id: number, patch: ProductPatch): Promise<Product | null> {
    validatePatch(patch);
    const set = definedOnly(patch);
    if (Object.keys(set).length === 0) return this.getProduct(id);
    const [row] = await this.#write(
      () =>
        this.#orm
          .update(p)
          .set({ ...set, updatedAt: new Date(wholeMs(this.#now)) })
          .where(and(eq(p.id, id), isNull(p.deletedAt)))
          .returning({ id: p.id }),
      { sku: patch.sku },
    );
    return row ? this.getProduct(id) : null;
  }

  async changeStock(id: number, delta: number): Promise<Product | null> {
    checkInt("delta", delta, -MAX_INT32);
    // One statement: the check and the change cannot be split by a concurrent writer.
    // In bigint, so a sum past 2^31 fails the WHERE below instead of raising 22003.
    const next = sql`${p.stockQuantity}::bigint + ${delta}::int`;
    const [row] = await this.#write(() =>
      this.#orm
        .update(p)
        .set({ stockQuantity: next, updatedAt: new Date(wholeMs(this.#now)) })
        .where(and(eq(p.id, id), isNull(p.deletedAt), gte(next, 0), lte(next, MAX_INT32)))
        .returning({ id: p.id }),
    );
    if (row) return this.getProduct(id);
    const current = await this.getProduct(id);
    if (!current) return null;
    throw refusedStockChange(id, current.stockQuantity, delta);
  }

  async deleteProduct(id: number): Promise<boolean> {
    const t = new Date(wholeMs(this.#now));
    const rows = await this.#write(() =>
      this.#orm
        .update(p)
        .set({ deletedAt: t, updatedAt: t })
        .where(and(eq(p.id, id), isNull(p.deletedAt)))
        .returning({ id: p.id }),
    );
    return rows.length > 0;
  }

  async insertProducts(rows: NewProduct[]): Promise<number> {
    if (rows.length === 0) return 0;
    rows.forEach(validateNewProduct);
    const cols = rows.map(withDefaults);
    const at = new Date(wholeMs(this.#now)).toISOString();
    const result = await this.#write(() =>
      this.#sql.unsafe(INSERT_PRODUCTS, [
        cols.map((r) => r.sku),
        cols.map((r) => r.name),
        cols.map((r) => r.description),
        cols.map((r) => r.categoryId),
        cols.map((r) => r.priceCents),
        cols.map((r) => r.stockQuantity),
        // As 1/0: postgres.js serializes a bool[] parameter with its scalar serializer.
        cols.map((r) => (r.isActive ? 1 : 0)),
        cols.map((r) => r.popularity),
        at,
      ]),
    );
    return result.count;
  }

  async countProducts(): Promise<number> {
    const [row] = await this.#read(() => this.#orm.select({ n: count() }).from(p).where(isNull(p.deletedAt)));
    return row.n;
  }

  async maxProductId(): Promise<number> {
    const [row] = await this.#read(() => this.#orm.select({ id: max(p.id) }).from(p));
    return row.id ?? 0;
  }

  // --- feeds for the search sync and cleanup ---

  async changedSince(cursor: ChangeCursor | null, limit: number): Promise<Product[]> {
    checkInt("limit", limit, 1, 100_000);
    const after = cursor ? new Date(parseInstant("updatedAt", cursor.updatedAt)).toISOString() : null;
    const rows = await this.#read(() =>
      after === null
        ? this.#sql.unsafe<Product[]>(CHANGED_FIRST, [limit])
        : this.#sql.unsafe<Product[]>(CHANGED_AFTER, [after, cursor!.id, limit]),
    );
    return [...rows];
  }

  streamProducts(batchSize: number): AsyncIterable<Product[]> {
    checkInt("batchSize", batchSize, 1, 100_000);
    return keysetPages(
      async (afterId, limit) => [...(await this.#read(() => this.#sql.unsafe<Product[]>(STREAM_PAGE, [afterId, limit])))],
      batchSize,
    );
  }

  async existingIds(ids: number[]): Promise<Set<number>> {
    const found = new Set<number>();
    for (const part of chunks(ids, 5_000)) {
      const rows = await this.#read(() =>
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
    const cutoff = new Date(parseInstant("before", before));
    const result = await this.#write(() => this.#orm.delete(p).where(lt(p.deletedAt, cutoff)));
    return result.count;
  }

  // --- aggregates, computed by PostgreSQL ---

  async totals(): Promise<CatalogTotals> {
    const rows = await this.#read(() => this.#sql.unsafe<TotalsRow[]>(TOTALS, [STOCK_LOW_AT_OR_BELOW]));
    return categoryTotals(rows);
  }

  async stockAtOrBelow(threshold: number, limit: number, above = -1): Promise<StockAlertRow[]> {
    checkInt("threshold", threshold, 0);
    checkInt("limit", limit, 1, 100_000);
    return this.#read(() =>
      this.#orm
        .select({ id: p.id, sku: p.sku, name: p.name, categoryName: c.name, stockQuantity: p.stockQuantity })
        .from(p)
        .innerJoin(c, eq(c.id, p.categoryId))
        .where(and(liveActive, lte(p.stockQuantity, threshold), gt(p.stockQuantity, above)))
        .orderBy(p.stockQuantity, p.id)
        .limit(limit),
    );
  }

  async popularProducts(limit: number): Promise<Product[]> {
    checkInt("limit", limit, 1, 10_000);
    const rows = await this.#read(() =>
      this.#products().where(liveActive).orderBy(desc(p.popularity), desc(p.id)).limit(limit),
    );
    return rows.map(toProduct);
  }
}
