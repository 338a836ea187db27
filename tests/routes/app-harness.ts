// A real app over a real runtime (worker threads, a temp ledger) with the five recurring jobs,
// for the HTTP tests. Backing services are stubs whose ping a test can break.
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Context } from "hono";
import { createApp, type AppDeps } from "../../src/app.ts";
import { loadConfig, type Config } from "../../src/config.ts";
import { createLogger, memorySink } from "../../src/logger.ts";
import { systemClock, type Clock } from "../../src/actors/runtime/clock.ts";
import type { RecurringDefinition } from "../../src/ledger/ledger.ts";
import type { CatalogStore } from "../../src/adapters/catalog/catalog-store.ts";
import type { Cache } from "../../src/adapters/cache/cache.ts";
import type { SearchIndex } from "../../src/adapters/search/search-index.ts";
import { startRuntime, type Harness } from "../helpers/runtime-harness.ts";

export const CATALOG_JOBS = pathToFileURL(join(import.meta.dirname, "../fixtures/catalog-jobs.ts")).href;

export const FIVE_RECURRING: RecurringDefinition[] = [
  { id: "daily-analytics", name: "Daily Analytics Generation", cron: "0 2 * * *" },
  { id: "weekly-inventory-report", name: "Weekly Inventory Report", cron: "0 3 * * 1" },
  { id: "cache-warmup", name: "Cache Warmup", cron: "0 */6 * * *" },
  { id: "popular-products", name: "Popular Products Refresh", cron: "15 * * * *" },
  { id: "cleanup", name: "Cleanup Old Data", cron: "0 4 * * *" },
].map((r) => ({ ...r, type: r.id, args: null, timeZone: "UTC", misfire: "relaxed" as const }));

export interface Pings {
  catalog: () => Promise<void>;
  cache: () => Promise<void>;
  search: () => Promise<void>;
}

export interface TestApp {
  app: ReturnType<typeof createApp>;
  h: Harness;
  deps: AppDeps;
  logs: ReturnType<typeof memorySink>;
  pings: Pings;
  /** Final outcomes of every job since start (finished() looks here first). */
  outcomes: FinalOutcome[];
  /** The socket address the next requests come from (null: no socket). */
  from(address: string | null): void;
  close(): Promise<void>;
}

interface FinalOutcome {
  jobId: string;
  type: string;
  outcome: "succeeded" | "failed";
}

export async function startApp(opts: { env?: Record<string, string>; clock?: Clock; config?: Partial<Config> } = {}): Promise<TestApp> {
  const h = await startRuntime({ jobModules: [CATALOG_JOBS], recurring: FIVE_RECURRING });
  // Every final outcome since start: a job may finish before a test learns its id (over TCP the
  // response can arrive after the job is done), so finished() looks here first.
  const outcomes: FinalOutcome[] = [];
  h.rt.events.on("job:succeeded", (e) => void outcomes.push({ jobId: e.jobId, type: e.type, outcome: "succeeded" }));
  h.rt.events.on("job:failed", (e) => e.retryAt === null && void outcomes.push({ jobId: e.jobId, type: e.type, outcome: "failed" }));
  const logs = memorySink();
  const logger = createLogger({ category: "http-test", sink: logs, level: "debug" });
  const ok = async () => {};
  const pings: Pings = { catalog: ok, cache: ok, search: ok };
  let address: string | null = "127.0.0.1";
  const deps: AppDeps = {
    config: { ...loadConfig(opts.env ?? {}), ...opts.config },
    clock: opts.clock ?? systemClock,
    logger,
    runtime: h.rt,
    catalog: { kind: "sqlite", ping: () => pings.catalog() } as unknown as CatalogStore,
    cache: { kind: "memory", ping: () => pings.cache() } as unknown as Cache,
    search: { kind: "fts5", ping: () => pings.search() } as unknown as SearchIndex,
    bus: null,
    services: [],
    clientAddress: (_c: Context) => (address === null ? null : { remote: address }),
  };
  const app = createApp(deps);
  return {
    app,
    h,
    deps,
    outcomes,
    logs,
    pings,
    from(a) {
      address = a;
    },
    close: () => h.close(),
  };
}

export async function json(res: Response): Promise<any> {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`expected JSON, got ${res.status}: ${text.slice(0, 200)}`);
  }
}

/** Resolves when a job matching `where` succeeds or fails for good (no retry left); no timer outlives it. */
export function finished(t: TestApp, where: (e: { jobId: string; type: string }) => boolean, timeoutMs = 15_000): Promise<"succeeded" | "failed"> {
  const past = t.outcomes.find(where);
  if (past) return Promise.resolve(past.outcome);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (stop(), reject(new Error(`no job finished within ${timeoutMs} ms`))), timeoutMs);
    const offs = [
      t.h.rt.events.on("job:succeeded", (e) => where(e) && (stop(), resolve("succeeded"))),
      t.h.rt.events.on("job:failed", (e) => where(e) && e.retryAt === null && (stop(), resolve("failed"))),
    ];
    function stop() {
      clearTimeout(timer);
      for (const off of offs) off();
    }
  });
}
