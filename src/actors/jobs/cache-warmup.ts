// cache-warmup ("Cache Warmup", every 6 hours, or POST …/trigger-cache-warmup): the Cache Warming
// service's pass, run as a job.
import { defineJob } from "../runtime/job-definition.ts";
import { warmCache } from "../work/warm-cache.ts";
import type { CatalogServices } from "../worker-services.ts";
import { type CatalogJobContext, jobLog, noArgs } from "./job-support.ts";

export const cacheWarmupJob = defineJob<null, CatalogServices>({
  type: "cache-warmup",
  title: "Cache Warmup",
  timeoutMs: 5 * 60_000,
  retry: { maxRetries: 3 }, // the service warms the same keys on its own interval anyway
  validate: noArgs,
  async run(ctx: CatalogJobContext) {
    const log = jobLog(ctx, "CacheWarmupJob");
    try {
      const summary = await warmCache(ctx.services, (p, m) => ctx.progress(p, m));
      log.info(`Cache warm-up completed: ${summary.popularProducts} popular products, ${summary.categories} categories, ${summary.inStock} products in stock`);
      return summary;
    } catch (err) {
      log.error("Cache warm-up failed", err);
      throw err;
    }
  },
});
