// Inventory Monitoring Service (every hour by default, INVENTORY_MONITORING_INTERVAL): stock
// alerts — out of stock (0), critical (≤ 5), low (≤ 10) — each logged and published as an
// inventory.alert event.
import type { Config } from "../../config.ts";
import type { ServiceDefinition } from "../runtime/service-definition.ts";
import { checkInventory } from "../work/inventory-check.ts";
import type { CatalogServices } from "../worker-services.ts";
import { type CatalogServiceContext, humanInterval } from "./service-support.ts";

export function inventoryMonitoringService(): ServiceDefinition<CatalogServices, Config> {
  return {
    name: "inventory-monitoring",
    title: "Inventory Monitoring Service",
    intervalMs: (config) => config.serviceIntervals.inventoryMonitoringMs,
    async run(ctx: CatalogServiceContext) {
      const { catalog, bus, cache } = ctx.services;
      await checkInventory({ catalog, bus, cache, logger: ctx.logger, now: ctx.now, signal: ctx.signal });
    },
    nextRunMessage: (ms) => `Next inventory check scheduled in ${humanInterval(ms)}`,
  };
}
