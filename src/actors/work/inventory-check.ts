// Stock alerts: the work of the Inventory Monitoring service. Thresholds are DESIGN.md's:
// out of stock = 0, critical ≤ 5, low ≤ 10. Each alert is logged and published as an
// inventory.alert event (routing key inventory.alert.<level>); a summary is cached.
import type { EventBus, AlertLevel, InventoryAlertEvent } from "../../adapters/bus/event-bus.ts";
import type { Cache } from "../../adapters/cache/cache.ts";
import {
  type CatalogStore,
  STOCK_CRITICAL_AT_OR_BELOW,
  STOCK_LOW_AT_OR_BELOW,
  type StockAlertRow,
} from "../../adapters/catalog/catalog-store.ts";
import type { Logger } from "../../logger.ts";
import { CacheKeys, CacheTtl } from "./cache-keys.ts";

/**
 * Most alerts one pass logs and publishes, lowest stock first (out of stock, then critical, then
 * low). A catalog of a million products has tens of thousands below 10; the summary line and the
 * cached counts say how many there are in all.
 */
export const MAX_ALERTS_PER_PASS = 1000;

export function alertLevel(stock: number): AlertLevel | null {
  if (stock <= 0) return "out_of_stock";
  if (stock <= STOCK_CRITICAL_AT_OR_BELOW) return "critical";
  if (stock <= STOCK_LOW_AT_OR_BELOW) return "low";
  return null;
}

export function alertLine(r: StockAlertRow, level: AlertLevel): string {
  const what = `${r.name} (SKU ${r.sku}, id ${r.id}, ${r.categoryName})`;
  if (level === "out_of_stock") return `Out of stock alert: ${what} has no units left`;
  const units = `${r.stockQuantity} unit${r.stockQuantity === 1 ? "" : "s"}`;
  return level === "critical" ? `Critical stock alert: ${what} has only ${units} left` : `Low stock alert: ${what} has ${units} left`;
}

export interface InventoryCheckDeps {
  catalog: CatalogStore;
  bus: EventBus;
  cache: Cache;
  logger: Logger;
  now: () => number;
  signal?: AbortSignal;
  maxAlerts?: number;
}

export interface InventoryCheckSummary {
  outOfStock: number;
  critical: number;
  low: number;
  published: number;
}

export async function checkInventory(deps: InventoryCheckDeps): Promise<InventoryCheckSummary> {
  const { catalog, bus, cache, logger } = deps;
  const rows = await catalog.stockAtOrBelow(STOCK_LOW_AT_OR_BELOW, deps.maxAlerts ?? MAX_ALERTS_PER_PASS);
  const at = new Date(deps.now()).toISOString();
  const summary: InventoryCheckSummary = { outOfStock: 0, critical: 0, low: 0, published: 0 };
  for (const r of rows) {
    deps.signal?.throwIfAborted();
    const level = alertLevel(r.stockQuantity);
    if (!level) continue;
    if (level === "out_of_stock") summary.outOfStock++;
    else summary[level]++;
    const line = alertLine(r, level);
    if (level === "low") logger.info(line);
    else logger.warn(line);
    const event: InventoryAlertEvent = { type: "inventory.alert", level, productId: r.id, sku: r.sku, name: r.name, stockQuantity: r.stockQuantity, at };
    await bus.publish(event);
    summary.published++;
  }
  const totals = await catalog.totals();
  // The alerts are out: a cache outage must not fail the pass (its retry would publish them all again).
  await cache.set(
    CacheKeys.inventoryAlerts,
    {
      at,
      totals: { outOfStock: totals.outOfStock, atOrBelowLow: totals.lowStock + totals.outOfStock },
      alerts: summary,
      truncated: rows.length >= (deps.maxAlerts ?? MAX_ALERTS_PER_PASS),
    },
    CacheTtl.inventoryAlerts,
  ).catch((err) => logger.warn(`Could not cache the inventory alert summary at ${CacheKeys.inventoryAlerts}`, err));
  logger.info(
    `Inventory check completed: ${totals.outOfStock} out of stock, ${totals.lowStock} more at or below ${STOCK_LOW_AT_OR_BELOW} units` +
      `; ${summary.published} alerts published (${summary.outOfStock} out of stock, ${summary.critical} critical, ${summary.low} low)`,
  );
  return summary;
}
