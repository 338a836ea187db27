// The totals query returns one row per category (both dialects); the catalog-wide figures are
// the sum of those few rows. Drivers hand back NULL for empty categories and PostgreSQL's bigint
// and numeric sums as strings: Number() is exact below 2^53 cents (about 90 trillion dollars).
import type { CatalogTotals, CategoryTotals } from "./catalog-store.ts";

type Num = number | string | bigint | null;

export interface TotalsRow {
  categoryId: number;
  categoryName: string;
  products: Num;
  inStock: Num;
  outOfStock: Num;
  lowStock: Num;
  stockUnits: Num;
  valueCents: Num;
}

const n = (v: Num) => (v === null ? 0 : Number(v));

export function categoryTotals(rows: TotalsRow[]): CatalogTotals {
  const byCategory: CategoryTotals[] = rows.map((r) => ({
    categoryId: Number(r.categoryId),
    categoryName: r.categoryName,
    products: n(r.products),
    inStock: n(r.inStock),
    outOfStock: n(r.outOfStock),
    lowStock: n(r.lowStock),
    stockUnits: n(r.stockUnits),
    valueCents: n(r.valueCents),
  }));
  const sum = (k: keyof Omit<CategoryTotals, "categoryId" | "categoryName">) =>
    byCategory.reduce((acc, r) => acc + r[k], 0);
  return {
    totalProducts: sum("products"),
    inStock: sum("inStock"),
    outOfStock: sum("outOfStock"),
    lowStock: sum("lowStock"),
    stockUnits: sum("stockUnits"),
    totalValueCents: sum("valueCents"),
    byCategory,
  };
}
