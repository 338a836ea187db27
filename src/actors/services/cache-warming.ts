// Cache Warming Service (every 6 h by default, CACHE_WARMING_INTERVAL): popular products,
// categories, category counts, in-stock counts. The cache-warmup job runs the same pass.
import type { Config } from "../../config.ts";
import type { ServiceDefinition } from "../runtime/service-definition.ts";
import { warmCache } from "../work/warm-cache.ts";
import type { CatalogServices } from "../worker-services.ts";
import { type CatalogServiceContext, humanInterval } from "./service-support.ts";

export function cacheWarmingService(): ServiceDefinition<CatalogServices, Config> {
  return {
    name: "cache-warming",
    title: "Cache Warming Service",
    intervalMs: (config) => config.serviceIntervals.cacheWarmingMs,
    async run(ctx: CatalogServiceContext) {
      const s = await warmCache(ctx.services, ctx.progress);
      ctx.logger.info(`Cache warming completed: ${s.popularProducts} popular products, ${s.categories} categories, ${s.inStock} products in stock`);
    },
    nextRunMessage: (ms) => `Next cache warming scheduled in ${humanInterval(ms)}`,
  };
}
