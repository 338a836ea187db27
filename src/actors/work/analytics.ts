// The daily analytics snapshot and the weekly inventory report: shapes built from figures the
// database computed (CatalogStore.totals, stockAtOrBelow), never from products loaded into memory.
// Both carry the instant they stand for (the job's scheduled instant), not the time they were
// computed, so running a job twice writes the same value.
import type { CatalogStore, CatalogTotals, CategoryTotals, StockAlertRow } from "../../adapters/catalog/catalog-store.ts";
import { STOCK_LOW_AT_OR_BELOW } from "../../adapters/catalog/catalog-store.ts";
import { centsToDecimal } from "../../money.ts";
import { type IsoWeek, isoWeekKey, isoWeekStart, utcDate } from "./calendar.ts";

export interface CategoryFigures {
  categoryId: number;
  categoryName: string;
  products: number;
  inStock: number;
  outOfStock: number;
  lowStock: number;
  stockUnits: number;
  totalValue: number;
  totalValueCents: number;
}

export interface DailyAnalytics {
  date: string;
  asOf: string;
  totalProducts: number;
  inStock: number;
  outOfStock: number;
  lowStock: number;
  stockUnits: number;
  /** Σ price × stock, as a decimal number of dollars (exact: computed from cents). */
  totalValue: number;
  totalValueCents: number;
  categories: number;
  byCategory: CategoryFigures[];
}

function categoryFigures(c: CategoryTotals): CategoryFigures {
  return {
    categoryId: c.categoryId,
    categoryName: c.categoryName,
    products: c.products,
    inStock: c.inStock,
    outOfStock: c.outOfStock,
    lowStock: c.lowStock,
    stockUnits: c.stockUnits,
    totalValue: centsToDecimal(c.valueCents),
    totalValueCents: c.valueCents,
  };
}

export function dailyAnalytics(totals: CatalogTotals, asOf: number): DailyAnalytics {
  return {
    date: utcDate(asOf),
    asOf: new Date(asOf).toISOString(),
    totalProducts: totals.totalProducts,
    inStock: totals.inStock,
    outOfStock: totals.outOfStock,
    lowStock: totals.lowStock,
    stockUnits: totals.stockUnits,
    totalValue: centsToDecimal(totals.totalValueCents),
    totalValueCents: totals.totalValueCents,
    categories: totals.byCategory.length,
    byCategory: totals.byCategory.map(categoryFigures),
  };
}

/** Longest list a report carries; the counts beside each list are always complete. */
export const REPORT_LIST_LIMIT = 500;

export interface StockListItem {
  id: number;
  sku: string;
  name: string;
  categoryName: string;
  stockQuantity: number;
}

export interface StockList {
  /** Every product in this state (the list may be shorter: REPORT_LIST_LIMIT). */
  count: number;
  items: StockListItem[];
}

export interface WeeklyInventoryReport {
  week: string; // "2025-W51"
  weekStart: string; // Monday 00:00 UTC
  asOf: string;
  totalProducts: number;
  stockUnits: number;
  totalValue: number;
  totalValueCents: number;
  byCategory: CategoryFigures[];
  lowStock: StockList; // 0 < stock ≤ 10
  outOfStock: StockList; // stock = 0
}

const item = (r: StockAlertRow): StockListItem => ({ id: r.id, sku: r.sku, name: r.name, categoryName: r.categoryName, stockQuantity: r.stockQuantity });

/**
 * The store lists stock ≤ threshold lowest first, so out-of-stock products come before low ones:
 * the low list skips past them. That costs at most (out of stock + limit) rows, read once a week.
 */
export async function weeklyInventoryReport(catalog: CatalogStore, week: IsoWeek, asOf: number): Promise<WeeklyInventoryReport> {
  const totals = await catalog.totals();
  const out = await catalog.stockAtOrBelow(0, REPORT_LIST_LIMIT);
  const low =
    totals.lowStock === 0
      ? []
      : await catalog.stockAtOrBelow(STOCK_LOW_AT_OR_BELOW, REPORT_LIST_LIMIT, 0);
  return {
    week: isoWeekKey(week).replace(":", "-"),
    weekStart: new Date(isoWeekStart(week)).toISOString(),
    asOf: new Date(asOf).toISOString(),
    totalProducts: totals.totalProducts,
    stockUnits: totals.stockUnits,
    totalValue: centsToDecimal(totals.totalValueCents),
    totalValueCents: totals.totalValueCents,
    byCategory: totals.byCategory.map(categoryFigures),
    lowStock: { count: totals.lowStock, items: low.map(item) },
    outOfStock: { count: totals.outOfStock, items: out.map(item) },
  };
}
