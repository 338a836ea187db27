// The composition root: builds every adapter, the ledger, the runtime, the background services and
// the HTTP app from a Config. Nothing else constructs dependencies; tests build their own smaller
// graphs.
//
// Threads: jobs and background services run in worker threads that open their own connections
// (src/actors/worker-services.ts). What exists only here, in the main thread, they reach over the
// runtime's rpc channel: the embedded cache ("cache.*", when REDIS_URL is not set) and the runtime's
// purge of expired job history.
import { join } from "node:path";
import { createApp } from "./app.ts";
import type { Clock } from "./actors/runtime/clock.ts";
import { JOB_WORKER_ENTRY, JOBS_MODULE, LEDGER_CHECKPOINT_ENTRY, SERVICE_WORKER_ENTRY, SERVICES_MODULE, WORKER_SERVICES_MODULE } from "./actors/runtime/entry-points.ts";
import { Runtime } from "./actors/runtime/runtime.ts";
import { ServiceActor, ServiceThread } from "./actors/runtime/service-actor.ts";
import type { ServiceModule } from "./actors/runtime/service-definition.ts";
import { recurringDefinitions, unknownOverrides } from "./actors/jobs/recurring-schedule.ts";
import { RPC_PURGE_EXPIRED } from "./actors/worker-services.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { SqliteLedger } from "./ledger/sqlite-ledger.ts";
import type { CatalogStore } from "./adapters/catalog/catalog-store.ts";
import { createCatalogStore } from "./adapters/catalog/create-catalog-store.ts";
import { seedIfEmpty } from "./adapters/catalog/sample-catalog.ts";
import type { Cache } from "./adapters/cache/cache.ts";
import { createCache } from "./adapters/cache/create-cache.ts";
import { cacheRpcHandlers } from "./adapters/cache/rpc-cache.ts";
import type { SearchIndex } from "./adapters/search/search-index.ts";
import { createSearchIndex } from "./adapters/search/create-search-index.ts";
import type { EventBus } from "./adapters/bus/event-bus.ts";
import { createEventBus } from "./adapters/bus/create-event-bus.ts";

export interface Server {
  app: ReturnType<typeof createApp>;
  runtime: Runtime;
  /** The background services' actors (status, run-now). */
  services: ServiceActor[];
  /** The main thread's adapters (what the HTTP API uses). */
  adapters: { catalog: CatalogStore; cache: Cache; search: SearchIndex; bus: EventBus };
  close(graceMs: number): Promise<void>;
}

export async function composeServer(config: Config, deps: { clock: Clock; logger: Logger }): Promise<Server> {
  const { clock, logger } = deps;
  for (const id of unknownOverrides(config)) {
    logger.warn(`CRON_/TZ_ configuration names "${id}", which is not a recurring job; it is ignored`);
  }
  const ledger = await SqliteLedger.open({
    path: join(config.dataDir, "ledger.db"),
    clock,
    retentionMs: config.jobRetentionMs,
    checkpointerEntryUrl: LEDGER_CHECKPOINT_ENTRY(),
  });
  const catalog = await createCatalogStore(config, { now: () => clock.now() });
  await catalog.migrate();
  if (config.seedOnStart) {
    const seeded = await seedIfEmpty(catalog);
    if (seeded) logger.info(`Seeded the empty catalog with ${seeded} sample products`);
  }
  const cache = await createCache(config, {
    clock,
    onStateChange: (state, err) => (state === "down" ? logger.warn(`Redis is unreachable: ${err?.message ?? "connection lost"}`) : state === "up" && logger.info("Redis is connected")),
  });
  const search = await createSearchIndex(config);
  const bus = await createEventBus(config, { clock, logger: logger.child("EventBus") });

  let runtime: Runtime | null = null;
  const rpc: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    ...cacheRpcHandlers(cache),
    [RPC_PURGE_EXPIRED]: async () => {
      if (!runtime) throw new Error("the runtime is still starting; try again");
      return runtime.purgeExpired();
    },
  };

  const { services: definitions } = (await import(SERVICES_MODULE())) as ServiceModule;
  // The three services are three supervised actors sharing one worker thread (and its connections).
  const thread = new ServiceThread({
    entryUrl: SERVICE_WORKER_ENTRY(),
    serviceModules: [SERVICES_MODULE()],
    servicesModule: WORKER_SERVICES_MODULE(),
    config,
    logLevel: config.logLevel,
    rpc,
    // A pass that ignores its signal is cut off within the shutdown grace.
    stopTimeoutMs: Math.min(5_000, config.shutdownGraceMs),
  });
  const services = definitions.map((def) => new ServiceActor({ name: def.name, title: def.title, thread }));

  runtime = await Runtime.start({
    ledger,
    clock,
    logger: logger.child("Hangfire"),
    workerCount: config.workerCount,
    leaseTtlMs: config.leaseTtlMs,
    defaultJobTimeoutMs: config.defaultJobTimeoutMs,
    jobModules: [JOBS_MODULE()],
    entryUrl: JOB_WORKER_ENTRY(),
    servicesModule: WORKER_SERVICES_MODULE(),
    workerConfig: config,
    recurring: recurringDefinitions(config),
    actors: services.map((s) => s.spec),
    rpc,
  });
  const rt = runtime;
  const app = createApp({ config, clock, logger, runtime: rt, catalog, cache, search, bus, services });
  return {
    app,
    runtime: rt,
    services,
    adapters: { catalog, cache, search, bus },
    async close(graceMs) {
      // Threads first (they call into the cache over rpc until they stop), then what they used.
      await rt.stop(graceMs);
      await Promise.allSettled([bus.close(), catalog.close(), cache.close(), search.close()]);
      await ledger.close();
    },
  };
}
