// The list filter as drizzle conditions, written once for both dialects: drizzle's operators
// take any column, so only the table objects differ between SQLite and PostgreSQL.
import { type AnyColumn, eq, gt, gte, isNull, lte, type SQL } from "drizzle-orm";
import type { ProductFilter } from "./catalog-store.ts";

export interface FilterColumns {
  deletedAt: AnyColumn;
  categoryId: AnyColumn;
  stockQuantity: AnyColumn;
  priceCents: AnyColumn;
  isActive: AnyColumn;
}

/** Conditions over live products, without the keyset cursor (the count uses them too). */
export function filterConditions(p: FilterColumns, f: ProductFilter): SQL[] {
  const where: SQL[] = [isNull(p.deletedAt)];
  if (f.categoryId !== undefined) where.push(eq(p.categoryId, f.categoryId));
  if (f.inStock !== undefined) where.push(f.inStock ? gt(p.stockQuantity, 0) : eq(p.stockQuantity, 0));
  if (f.minPriceCents !== undefined) where.push(gte(p.priceCents, f.minPriceCents));
  if (f.maxPriceCents !== undefined) where.push(lte(p.priceCents, f.maxPriceCents));
  if (f.isActive !== undefined) where.push(eq(p.isActive, f.isActive));
  return where;
}

/** Splits the page from the one extra row fetched to learn whether another page exists. */
export function toPage<T extends { id: number }>(rows: T[], limit: number, total: number) {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null, total };
}

export function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
