// Elasticsearch Sync Service (every 30 min by default, ELASTICSEARCH_SYNC_INTERVAL): brings the
// search index in line with the catalog — incrementally from a persisted watermark, or by a full
// rebuild when the index is missing — and between passes applies product events as they arrive,
// so search is current within seconds. (The name is the one operators know; the embedded
// default index is SQLite FTS5, and the log lines stay the same.)
import { join } from "node:path";
import type { Subscription } from "../../adapters/bus/event-bus.ts";
import type { ServiceDefinition } from "../runtime/service-definition.ts";
import { applyProductEvent, syncSearch } from "../work/search-sync.ts";
import { fileWatermark } from "../work/sync-watermark.ts";
import type { Config } from "../../config.ts";
import type { CatalogServices } from "../worker-services.ts";
import { type CatalogServiceContext, inMinutes } from "./service-support.ts";

/** The durable queue product events wait in for the sync (shared by every process: one index). */
export const SEARCH_SYNC_QUEUE = "catalog-jobs.search-sync";

export function watermarkPath(config: Pick<Config, "dataDir">): string {
  return join(config.dataDir, "search-sync-watermark.json");
}

export function elasticsearchSyncService(): ServiceDefinition<CatalogServices, Config> {
  let subscription: Subscription | null = null;
  return {
    name: "elasticsearch-sync",
    title: "Elasticsearch Sync Service",
    intervalMs: (config) => config.serviceIntervals.elasticsearchSyncMs,

    async start(ctx: CatalogServiceContext) {
      const { bus, catalog, search } = ctx.services;
      // Elasticsearch is one index for every process: they share a durable queue (each event
      // applied once, kept while all are down). An embedded FTS index is this process's own, so
      // it needs every event: a private queue.
      subscription = await bus.subscribe("product.*", (event) => applyProductEvent({ catalog, search }, event).then(() => undefined), {
        queue: search.kind === "elasticsearch" ? SEARCH_SYNC_QUEUE : undefined,
      });
    },

    async run(ctx: CatalogServiceContext) {
      const { catalog, search } = ctx.services;
      const outcome = await syncSearch({
        catalog,
        search,
        watermark: fileWatermark(watermarkPath(ctx.config)),
        now: ctx.now,
        signal: ctx.signal,
        progress: ctx.progress,
      });
      if (outcome.mode === "full") ctx.logger.info(`Rebuilt the search index from the catalog (${outcome.reason})`);
      else if (outcome.removed > 0) ctx.logger.info(`Removed ${outcome.removed} deleted products from the search index`);
      ctx.logger.info(`Successfully synced ${outcome.synced} products to Elasticsearch`);
    },

    async stop() {
      await subscription?.close();
      subscription = null;
    },

    nextRunMessage: (ms) => `Next Elasticsearch sync scheduled in ${inMinutes(ms)}`,
  };
}
