// daily-analytics ("Daily Analytics Generation", 0 2 * * * UTC): catalog totals computed in the
// database, cached as the latest snapshot and under its date.
import { formatUsd } from "../../money.ts";
import { defineJob } from "../runtime/job-definition.ts";
import { dailyAnalytics as snapshotOf, type DailyAnalytics } from "../work/analytics.ts";
import { CacheKeys, CacheTtl, Retention } from "../work/cache-keys.ts";
import { type CatalogJobContext, jobInstant, jobLog, noArgs } from "./job-support.ts";
import type { CatalogServices } from "../worker-services.ts";

export const dailyAnalyticsJob = defineJob<null, CatalogServices>({
  type: "daily-analytics",
  title: "Daily Analytics Generation",
  timeoutMs: 5 * 60_000, // one aggregate query: seconds even on a million products
  retry: { maxRetries: 10 }, // Hangfire's default: a night's outage of a dependency is ridden out
  validate: noArgs,
  async run(ctx: CatalogJobContext) {
    const log = jobLog(ctx, "DailyAnalyticsJob");
    try {
      const { catalog, cache } = ctx.services;
      const asOf = jobInstant(ctx);
      ctx.progress(10, "Computing totals in the database");
      const snapshot = snapshotOf(await catalog.totals(), asOf);
      ctx.progress(60, "Caching the snapshot");
      const dated = CacheKeys.analyticsForDate(snapshot.date);
      await cache.set(dated, snapshot, Retention.dailyAnalyticsMs);
      // "latest" never goes back in time: a late retry of an older run leaves a newer snapshot.
      const current = await cache.get<DailyAnalytics>(CacheKeys.analyticsLatest);
      if (!current || !(Date.parse(current.asOf) > asOf)) await cache.set(CacheKeys.analyticsLatest, snapshot, CacheTtl.analyticsLatest);
      ctx.progress(100, "Done");
      log.info(
        `Daily analytics generated successfully. Total Products: ${snapshot.totalProducts}, In Stock: ${snapshot.inStock}, Total Value: ${formatUsd(snapshot.totalValueCents)}`,
      );
      return { keys: [CacheKeys.analyticsLatest, dated], date: snapshot.date, totalProducts: snapshot.totalProducts, inStock: snapshot.inStock, totalValue: snapshot.totalValue };
    } catch (err) {
      log.error("Failed to generate daily analytics", err);
      throw err;
    }
  },
});
