// The three background services that start with the application. Loaded by the main thread (to
// create one supervised actor each) and by each service's worker thread (to run it); bundled as
// dist/services.js.
import type { ServiceDefinition } from "../runtime/service-definition.ts";
import { cacheWarmingService } from "./cache-warming.ts";
import { elasticsearchSyncService } from "./elasticsearch-sync.ts";
import { inventoryMonitoringService } from "./inventory-monitoring.ts";

export const services: ServiceDefinition<any, any>[] = [elasticsearchSyncService(), cacheWarmingService(), inventoryMonitoringService()];
