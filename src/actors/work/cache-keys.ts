// Every cache key jobs and services write (without CACHE_PREFIX, which the cache adds), with how
// long each lives. The first three are contracts users read with redis-cli (DESIGN.md).
import { type IsoWeek, isoWeekKey } from "./calendar.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const CacheKeys = {
  analyticsLatest: "analytics:daily:latest",
  analyticsForDate: (date: string) => `analytics:daily:${date}`,
  analyticsDatedPattern: "analytics:daily:[0-9]*",
  weeklyInventoryReport: (w: IsoWeek) => `reports:inventory:weekly:${isoWeekKey(w)}`,
  weeklyInventoryReportPattern: "reports:inventory:weekly:*",
  popularProducts: "products:popular",
  categories: "categories:all",
  categoryCounts: "categories:counts",
  inStockCounts: "products:in-stock-count",
  inventoryAlerts: "inventory:alerts:latest",
} as const;

/**
 * TTLs outlive the schedule that rewrites each key by a margin, so a late or retried run never
 * leaves a gap where readers find nothing; dated keys live as long as their retention.
 */
export const CacheTtl = {
  analyticsLatest: 2 * DAY, // rewritten daily
  popularProducts: 2 * HOUR, // rewritten hourly
  warmed: 12 * HOUR, // categories and counts, rewritten every 6 h
  inventoryAlerts: 2 * HOUR, // rewritten hourly
} as const;

/** How long dated snapshots are kept (their TTL, and what the cleanup job enforces). */
export const Retention = {
  dailyAnalyticsMs: 30 * DAY,
  weeklyReportsMs: 12 * 7 * DAY,
  /** Soft-deleted products are purged for good after this. */
  deletedProductsMs: 30 * DAY,
} as const;
