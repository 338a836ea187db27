// A dashboard over a real runtime (worker threads, a temp ledger, the test job types) for view
// tests through app.request() and for end-to-end tests through a real socket.
import type { Context } from "hono";
import { createApp, type AppDeps } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger, memorySink } from "../../src/logger.ts";
import { systemClock } from "../../src/actors/runtime/clock.ts";
import type { JobDetails, JobState, RecurringDefinition } from "../../src/ledger/ledger.ts";
import type { CatalogStore } from "../../src/adapters/catalog/catalog-store.ts";
import type { Cache } from "../../src/adapters/cache/cache.ts";
import type { SearchIndex } from "../../src/adapters/search/search-index.ts";
import type { Runtime, RuntimeOptions } from "../../src/actors/runtime/runtime.ts";
import { startRuntime, type Harness } from "../helpers/runtime-harness.ts";

export const TEST_RECURRING: RecurringDefinition[] = [
  { id: "nightly-echo", name: "Nightly Echo", type: "echo", args: { from: "recurring" }, cron: "0 2 * * *", timeZone: "UTC", misfire: "relaxed" },
  { id: "berlin-report", name: "Berlin Report", type: "noop", args: null, cron: "30 6 * * 1-5", timeZone: "Europe/Berlin", misfire: "relaxed" },
  { id: "slow-progress", name: "Slow Progress", type: "long-with-progress", args: { ms: 1500 }, cron: "0 * * * *", timeZone: "UTC", misfire: "relaxed" },
];

export interface Dashboard {
  app: ReturnType<typeof createApp>;
  h: Harness;
  deps: AppDeps;
  logs: ReturnType<typeof memorySink>;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** A form POST; `origin` makes it look like a browser's (then the CSRF token is checked). */
  post(path: string, form: Record<string, string | string[]>, headers?: Record<string, string>): Promise<Response>;
  /** The CSRF token a page embeds for this caller. */
  csrf(): Promise<string>;
  /** The socket address the next requests come from (default 127.0.0.1). */
  from(address: string): void;
  close(): Promise<void>;
}

/** `socket: true` decides who is local from the real socket (end-to-end tests), not from `from()`. */
export async function startDashboard(overrides: Partial<RuntimeOptions> = {}, opts: { socket?: boolean } = {}): Promise<Dashboard> {
  const h = await startRuntime({ recurring: TEST_RECURRING, ...overrides });
  const logs = memorySink();
  const logger = createLogger({ category: "dashboard-test", sink: logs, level: "debug" });
  let address = "127.0.0.1";
  const stub = (kind: string) => ({ kind, ping: async () => {}, close: async () => {} });
  const deps: AppDeps = {
    config: loadConfig({}),
    clock: systemClock,
    logger,
    runtime: h.rt,
    catalog: stub("sqlite") as unknown as CatalogStore,
    cache: stub("memory") as unknown as Cache,
    search: stub("fts5") as unknown as SearchIndex,
    bus: null,
    clientAddress: opts.socket ? undefined : (_c: Context) => ({ remote: address }),
  } as AppDeps;
  const app = createApp(deps);
  const d: Dashboard = {
    app,
    h,
    deps,
    logs,
    get: (path, headers = {}) => Promise.resolve(app.request(path, { headers })),
    post(path, form, headers = {}) {
      const body = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      return Promise.resolve(app.request(path, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", ...headers } }));
    },
    async csrf() {
      const html = await (await d.get("/hangfire/servers")).text();
      const m = /<meta name="csrf-token" content="([^"]+)"/.exec(html);
      if (!m) throw new Error("no csrf-token meta on the page");
      return m[1];
    },
    from(a) {
      address = a;
    },
    close: () => h.close(),
  };
  return d;
}

/** htmx's request headers for a swap into `target`. */
export function hx(target: string): Record<string, string> {
  return { "HX-Request": "true", "HX-Target": target };
}

/**
 * Resolves when job `id` is in one of `states`, whether it got there before or after the call
 * (a fast job can finish before a listener added after enqueue() would hear it).
 */
export function jobReaches(rt: Runtime, id: string, states: JobState[], timeoutMs = 20_000): Promise<JobDetails> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const check = async () => {
      const job = await rt.getJob(id);
      if (!settled && job && states.includes(job.state)) {
        settled = true;
        cleanup();
        resolve(job);
      }
    };
    const names = ["job:processing", "job:succeeded", "job:failed", "job:requeued", "job:deleted"] as const;
    const offs = names.map((n) => rt.events.on(n, (e: { jobId: string }) => void (e.jobId === id && check())));
    const timer = setTimeout(() => {
      settled = true;
      cleanup();
      reject(new Error(`job ${id} did not reach ${states.join(" or ")} within ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = () => {
      for (const off of offs) off();
      clearTimeout(timer);
    };
    void check();
  });
}
