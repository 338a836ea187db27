// The catalog's one interface. Implementations: SQLite (embedded default) and PostgreSQL.
// Prices are integer cents everywhere inside the product; JSON shows them as decimal numbers.
// "Live" means not soft-deleted. Timestamps come from the clock the store is given, never from
// the database or Date.now().

/** Inventory thresholds (DESIGN.md): out of stock = 0, critical ≤ 5, low ≤ 10. */
export const STOCK_CRITICAL_AT_OR_BELOW = 5;
export const STOCK_LOW_AT_OR_BELOW = 10;

export interface Category {
  id: number;
  name: string;
  description: string;
  createdAt: string; // ISO-8601 UTC
  updatedAt: string;
}

export interface Product {
  id: number;
  sku: string;
  name: string;
  description: string;
  categoryId: number;
  categoryName: string;
  priceCents: number;
  stockQuantity: number;
  isActive: boolean;
  /** Popularity signal (views + weighted sales); what "popular products" ranks by. */
  popularity: number;
  createdAt: string;
  updatedAt: string;
  /** Set when soft-deleted: the search sync still needs to see it to remove it. */
  deletedAt: string | null;
}

export interface NewProduct {
  sku: string;
  name: string;
  description?: string;
  categoryId: number;
  priceCents: number;
  stockQuantity: number;
  isActive?: boolean;
  popularity?: number;
}

export type ProductPatch = Partial<Omit<NewProduct, "sku">> & { sku?: string };

export interface ProductFilter {
  categoryId?: number;
  inStock?: boolean;
  minPriceCents?: number;
  maxPriceCents?: number;
  isActive?: boolean;
  /** Keyset pagination: products with id > afterId. */
  afterId?: number;
  limit: number;
}

export interface Page<T> {
  items: T[];
  /** Pass as afterId for the next page; null on the last page. */
  nextCursor: number | null;
  total: number;
}

/** Watermark for incremental sync: everything changed strictly after (updatedAt, id). */
export interface ChangeCursor {
  updatedAt: string;
  id: number;
}

export interface CategoryTotals {
  categoryId: number;
  categoryName: string;
  products: number;
  inStock: number;
  outOfStock: number;
  lowStock: number; // 0 < stock ≤ 10
  stockUnits: number;
  valueCents: number;
}

/** Counted over live, active products; every category appears, empty ones with zeros. */
export interface CatalogTotals {
  totalProducts: number;
  inStock: number;
  outOfStock: number;
  lowStock: number; // 0 < stock ≤ 10
  stockUnits: number;
  totalValueCents: number; // Σ price × stock, exact
  byCategory: CategoryTotals[]; // ordered by category name
}

export interface StockAlertRow {
  id: number;
  sku: string;
  name: string;
  categoryName: string;
  stockQuantity: number;
}

export interface CatalogStore {
  readonly kind: "sqlite" | "postgres";
  /** Creates tables (migrations) if needed. */
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;

  listCategories(): Promise<Category[]>;
  getCategory(id: number): Promise<Category | null>;
  createCategory(input: { name: string; description?: string }): Promise<Category>;
  /** A rename also bumps its products' updatedAt, so the search sync re-indexes their category. */
  updateCategory(id: number, patch: { name?: string; description?: string }): Promise<Category | null>;
  /** Refuses (ConflictError) while live products use it; purges its soft-deleted ones. */
  deleteCategory(id: number): Promise<boolean>;

  /** Live products matching the filter, in id order. */
  listProducts(filter: ProductFilter): Promise<Page<Product>>;
  /** A live product; null when missing or soft-deleted. */
  getProduct(id: number): Promise<Product | null>;
  /** ConflictError when a live product has the SKU; ValidationError for a missing category. */
  createProduct(input: NewProduct): Promise<Product>;
  /** An empty patch changes nothing (updatedAt stays). */
  updateProduct(id: number, patch: ProductPatch): Promise<Product | null>;
  /** Adds `delta` to stock (never below 0: ConflictError). Returns the product after. */
  changeStock(id: number, delta: number): Promise<Product | null>;
  /** Soft delete; the row stays with deletedAt set until cleanup purges it. */
  deleteProduct(id: number): Promise<boolean>;

  /** Bulk insert for seeding; one transaction per call (all rows or none). */
  insertProducts(rows: NewProduct[]): Promise<number>;
  /** Live products. */
  countProducts(): Promise<number>;
  /** Highest product id present, deleted rows included; 0 when there are none. */
  maxProductId(): Promise<number>;

  /** Products (deleted included) changed after the cursor, ordered by (updatedAt, id). */
  changedSince(cursor: ChangeCursor | null, limit: number): Promise<Product[]>;
  /** Every live product in id order, `batchSize` at a time, in bounded memory. */
  streamProducts(batchSize: number): AsyncIterable<Product[]>;
  /** Ids of live products among `ids` (for removing orphaned search documents). */
  existingIds(ids: number[]): Promise<Set<number>>;
  /** Hard-deletes products soft-deleted before `before` (ISO); returns how many. */
  purgeDeleted(before: string): Promise<number>;

  /** Aggregates computed in the database, never in memory. */
  totals(): Promise<CatalogTotals>;
  /** Live, active products with above < stock ≤ threshold, lowest first. */
  stockAtOrBelow(threshold: number, limit: number, above?: number): Promise<StockAlertRow[]>;
  popularProducts(limit: number): Promise<Product[]>;
}
