// popular-products ("Popular Products Refresh", hourly at minute 15): products:popular.
import { defineJob } from "../runtime/job-definition.ts";
import { CacheKeys } from "../work/cache-keys.ts";
import { cachePopularProducts } from "../work/warm-cache.ts";
import type { CatalogServices } from "../worker-services.ts";
import { type CatalogJobContext, jobLog, noArgs } from "./job-support.ts";

export const popularProductsJob = defineJob<null, CatalogServices>({
  type: "popular-products",
  title: "Popular Products Refresh",
  timeoutMs: 2 * 60_000,
  // Hourly: past a few quick retries the next tick does the same work.
  retry: { maxRetries: 3, delaysSeconds: [30, 120, 600] },
  validate: noArgs,
  async run(ctx: CatalogJobContext) {
    const log = jobLog(ctx, "PopularProductsJob");
    try {
      ctx.progress(10, "Ranking products");
      const popular = await cachePopularProducts(ctx.services);
      ctx.progress(100, "Done");
      log.info(`Popular products refreshed: ${popular.length} products cached at ${CacheKeys.popularProducts}`);
      return { key: CacheKeys.popularProducts, products: popular.map((p) => p.id) };
    } catch (err) {
      log.error("Popular products refresh failed", err);
      throw err;
    }
  },
});
