// weekly-inventory-report ("Weekly Inventory Report", 0 3 * * 1 UTC): stock by category and the
// low and out-of-stock lists, cached at reports:inventory:weekly:<ISO year>:W<ISO week> of the
// week the run stands for.
import { defineJob } from "../runtime/job-definition.ts";
import { weeklyInventoryReport } from "../work/analytics.ts";
import { isoWeek } from "../work/calendar.ts";
import { CacheKeys, Retention } from "../work/cache-keys.ts";
import type { CatalogServices } from "../worker-services.ts";
import { type CatalogJobContext, jobInstant, jobLog, noArgs } from "./job-support.ts";

export const weeklyInventoryReportJob = defineJob<null, CatalogServices>({
  type: "weekly-inventory-report",
  title: "Weekly Inventory Report",
  timeoutMs: 10 * 60_000,
  retry: { maxRetries: 10 },
  validate: noArgs,
  async run(ctx: CatalogJobContext) {
    const log = jobLog(ctx, "WeeklyInventoryReportJob");
    try {
      const { catalog, cache } = ctx.services;
      const asOf = jobInstant(ctx);
      const week = isoWeek(asOf);
      const key = CacheKeys.weeklyInventoryReport(week);
      ctx.progress(10, "Computing stock by category");
      const report = await weeklyInventoryReport(catalog, week, asOf);
      ctx.progress(80, `Caching ${key}`);
      await cache.set(key, report, Retention.weeklyReportsMs);
      ctx.progress(100, "Done");
      log.info(
        `Weekly inventory report ${report.week} generated: ${report.totalProducts} products in ${report.byCategory.length} categories, ` +
          `${report.lowStock.count} low stock, ${report.outOfStock.count} out of stock`,
      );
      return { key, week: report.week, lowStock: report.lowStock.count, outOfStock: report.outOfStock.count };
    } catch (err) {
      log.error("Failed to generate the weekly inventory report", err);
      throw err;
    }
  },
});
