// The backing services of one worker thread (a job worker or a background service), created once
// per thread by its entry module and handed to jobs as ctx.services / to services as ctx.services.
//
// Each thread owns its connections: a small PostgreSQL pool (a thread runs one job at a time), its
// own Redis and RabbitMQ connections, its own handle on the SQLite files (WAL lets threads share
// them). Two things live only in the main thread and are reached over the runtime's rpc channel:
// the embedded in-process cache (one Map per isolate; RpcCache forwards to it) and the runtime
// itself (purging expired job history). The embedded bus needs nothing: it is a BroadcastChannel,
// which already crosses threads.
import { join } from "node:path";
import { systemClock } from "./runtime/clock.ts";
import type { Config } from "../config.ts";
import { createLogger, type Logger } from "../logger.ts";
import type { CatalogStore } from "../adapters/catalog/catalog-store.ts";
import type { Cache } from "../adapters/cache/cache.ts";
import { type Rpc, RpcCache } from "../adapters/cache/rpc-cache.ts";
import type { SearchIndex } from "../adapters/search/search-index.ts";
import type { EventBus } from "../adapters/bus/event-bus.ts";
import { createCache } from "../adapters/cache/create-cache.ts";
import { createSearchIndex } from "../adapters/search/create-search-index.ts";
import { createEventBus } from "../adapters/bus/create-event-bus.ts";

/** What job and service code may ask of the main thread's runtime. */
export interface RuntimeCalls {
  /** Deletes expired job history (succeeded and deleted jobs past retention); returns how many. */
  purgeExpired(): Promise<number>;
}

export interface CatalogServices {
  catalog: CatalogStore;
  cache: Cache;
  search: SearchIndex;
  bus: EventBus;
  logger: Logger;
  runtime: RuntimeCalls;
}

/** Rpc method names the main thread answers (see compose.ts). */
export const RPC_PURGE_EXPIRED = "runtime.purgeExpired";

/** A thread runs one job or one pass at a time: two connections cover a query and a stream. */
const THREAD_PG_POOL = 2;

// Only the drivers this configuration uses are loaded: each thread is its own isolate, and the
// Elasticsearch and Redis clients alone cost ~20 MB per thread that the embedded defaults never use.
export async function createServices(config: Config, rpc: Rpc): Promise<CatalogServices> {
  const clock = systemClock;
  const now = () => clock.now();
  const logger = createLogger({ category: "Worker", level: config.logLevel, now });
  const opened: { close(): Promise<void> }[] = [];
  try {
    const catalog: CatalogStore = config.databaseUrl
      ? (await import("../adapters/catalog/postgres-catalog-store.ts")).createPostgresCatalogStore({
          url: config.databaseUrl,
          now,
          maxConnections: THREAD_PG_POOL,
          applicationName: "catalog-jobs:worker",
        })
      : await (await import("../adapters/catalog/sqlite-catalog-store.ts")).openSqliteCatalogStore(join(config.dataDir, "catalog.db"), { now });
    opened.push(catalog);
    // The embedded cache lives in the main thread; threads reach it over rpc.
    const cache: Cache = config.redisUrl ? await createCache(config, { clock }) : new RpcCache(rpc);
    opened.push(cache);
    const search: SearchIndex = await createSearchIndex(config);
    opened.push(search);
    const bus: EventBus = await createEventBus(config, { clock, logger: logger.child("EventBus") });
    opened.push(bus);
    const runtime: RuntimeCalls = { purgeExpired: async () => Number(await rpc(RPC_PURGE_EXPIRED)) };
    return { catalog, cache, search, bus, logger, runtime };
  } catch (err) {
    await Promise.allSettled(opened.map((s) => s.close()));
    throw err;
  }
}

export async function closeServices(services: CatalogServices): Promise<void> {
  const { catalog, cache, search, bus } = services;
  await Promise.allSettled([bus.close(), search.close(), cache.close(), catalog.close()]);
}
