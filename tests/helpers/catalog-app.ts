// The HTTP app over a real SQLite catalog, FTS5 index, in-process cache and bus, and a real
// runtime (test jobs), for route tests through app.request() — no server, no port.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { systemClock } from "../../src/actors/runtime/clock.ts";
import { createApp } from "../../src/app.ts";
import type { CatalogEvent, EventBus } from "../../src/adapters/bus/event-bus.ts";
import { MemoryBus } from "../../src/adapters/bus/memory-bus.ts";
import { MemoryCache } from "../../src/adapters/cache/memory-cache.ts";
import type { CatalogStore } from "../../src/adapters/catalog/catalog-store.ts";
import { openSqliteCatalogStore } from "../../src/adapters/catalog/sqlite-catalog-store.ts";
import { FtsSearchIndex } from "../../src/adapters/search/fts-search-index.ts";
import { createLogger, memorySink } from "../../src/logger.ts";
import { testConfig } from "./catalog-backends.ts";
import { type Harness, startRuntime } from "./runtime-harness.ts";

export interface CatalogApp {
  app: ReturnType<typeof createApp>;
  catalog: CatalogStore;
  search: FtsSearchIndex;
  bus: EventBus;
  events: CatalogEvent[];
  logs: ReturnType<typeof memorySink>;
  /** Resolves once `n` product events have been published. */
  eventsAfter(n: number): Promise<CatalogEvent[]>;
  request(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; json: any }>;
  close(): Promise<void>;
}

export async function catalogApp(options: { remote?: string; bus?: EventBus } = {}): Promise<CatalogApp> {
  const h: Harness = await startRuntime({ workerCount: 1 });
  const logs = memorySink();
  const logger = createLogger({ category: "test", sink: logs, level: "debug" });
  const catalog = await openSqliteCatalogStore(join(h.dir, "catalog.db"), { now: () => systemClock.now() });
  await catalog.migrate();
  const search = await FtsSearchIndex.open(join(h.dir, "search.db"));
  const cache = new MemoryCache({ clock: systemClock });
  const channel = `routes-${randomUUID()}`;
  const bus = options.bus ?? new MemoryBus({ channel, logger });
  const listener = new MemoryBus({ channel, logger });
  const events: CatalogEvent[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  await listener.subscribe("#", (e) => {
    events.push(e);
    for (const w of waiters.filter((w) => events.length >= w.n)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const config = testConfig({ DATA_DIR: h.dir });
  const app = createApp({
    config,
    clock: systemClock,
    logger,
    runtime: h.rt,
    catalog,
    cache,
    search,
    bus,
    services: [],
    clientAddress: () => ({ remote: options.remote ?? "127.0.0.1", local: "127.0.0.1" }),
  });
  return {
    app,
    catalog,
    search,
    bus,
    events,
    logs,
    eventsAfter: (n) => (events.length >= n ? Promise.resolve(events) : new Promise((resolve) => waiters.push({ n, resolve: () => resolve(events) }))),
    async request(method, path, body) {
      const res = await app.request(path, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
    },
    async close() {
      await listener.close();
      await bus.close();
      await cache.close();
      await search.close();
      await catalog.close();
      await h.close();
    },
  };
}
