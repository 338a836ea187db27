// cleanup ("Cleanup Old Data", 0 4 * * * UTC, or one-off via POST …/schedule-cleanup):
//   1. expired job history (succeeded and deleted jobs past retention) — in the main thread's
//      runtime, over rpc;
//   2. dated analytics and weekly reports past their retention (their TTLs remove them too; this
//      catches keys written without one);
//   3. products soft-deleted longer ago than their retention, purged for good;
//   4. search documents whose product is gone or soft-deleted, found by walking the index's ids
//      in batches against the catalog.
// Each step leaves nothing for a second run to do: running it twice ends in the same state.
import { defineJob } from "../runtime/job-definition.ts";
import { isoWeekStart } from "../work/calendar.ts";
import { CacheKeys, Retention } from "../work/cache-keys.ts";
import type { CatalogServices } from "../worker-services.ts";
import { type CatalogJobContext, jobInstant, jobLog, noArgs } from "./job-support.ts";

const DAY = 86_400_000;
const ORPHAN_BATCH = 1000;

export interface CleanupSummary {
  jobsPurged: number;
  cacheKeysRemoved: string[];
  productsPurged: number;
  searchDocumentsRemoved: number;
}

/** When a dated key's period ended, or null for keys that are not dated (…:latest). */
export function periodEnd(key: string): number | null {
  const day = /^analytics:daily:(\d{4}-\d{2}-\d{2})$/.exec(key);
  if (day) {
    const start = Date.parse(`${day[1]}T00:00:00Z`);
    return Number.isNaN(start) ? null : start + DAY;
  }
  const week = /^reports:inventory:weekly:(\d{4}):W(\d{2})$/.exec(key);
  if (week) return isoWeekStart({ year: Number(week[1]), week: Number(week[2]) }) + 7 * DAY;
  return null;
}

export const cleanupJob = defineJob<null, CatalogServices>({
  type: "cleanup",
  title: "Cleanup Old Data",
  timeoutMs: 30 * 60_000, // the orphan walk reads the whole index, in batches
  retry: { maxRetries: 5 },
  validate: noArgs,
  async run(ctx: CatalogJobContext): Promise<CleanupSummary> {
    const log = jobLog(ctx, "CleanupJob");
    try {
      const { catalog, cache, search, runtime } = ctx.services;
      const asOf = jobInstant(ctx);

      ctx.progress(0, "Expired job history");
      const jobsPurged = await runtime.purgeExpired();

      ctx.progress(10, "Old analytics and reports");
      const cacheKeysRemoved: string[] = [];
      const expired = [
        { pattern: CacheKeys.analyticsDatedPattern, before: asOf - Retention.dailyAnalyticsMs },
        { pattern: CacheKeys.weeklyInventoryReportPattern, before: asOf - Retention.weeklyReportsMs },
      ];
      for (const { pattern, before } of expired) {
        for (const key of await cache.keys(pattern)) {
          const end = periodEnd(key);
          if (end !== null && end <= before && (await cache.delete(key))) cacheKeysRemoved.push(key);
        }
      }

      ctx.progress(20, "Products deleted long ago");
      const productsPurged = await catalog.purgeDeleted(new Date(asOf - Retention.deletedProductsMs).toISOString());

      ctx.progress(30, "Search documents of missing products");
      const documents = await search.count();
      let seen = 0;
      let searchDocumentsRemoved = 0;
      for (let afterId = 0; ; ) {
        ctx.signal.throwIfAborted();
        const ids = await search.ids(afterId, ORPHAN_BATCH);
        if (ids.length === 0) break;
        const live = await catalog.existingIds(ids);
        const gone = ids.filter((id) => !live.has(id));
        if (gone.length) await search.remove(gone);
        searchDocumentsRemoved += gone.length;
        seen += ids.length;
        afterId = ids[ids.length - 1];
        ctx.progress(30 + Math.min(69, (70 * seen) / Math.max(1, documents)), `Checked ${seen} of ${documents} search documents`);
        if (ids.length < ORPHAN_BATCH) break;
      }

      ctx.progress(100, "Done");
      log.info(
        `Cleanup completed: ${jobsPurged} expired jobs, ${cacheKeysRemoved.length} old cache entries, ` +
          `${productsPurged} deleted products and ${searchDocumentsRemoved} orphaned search documents removed`,
      );
      return { jobsPurged, cacheKeysRemoved, productsPurged, searchDocumentsRemoved };
    } catch (err) {
      log.error("Cleanup failed", err);
      throw err;
    }
  },
});
