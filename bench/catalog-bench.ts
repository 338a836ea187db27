// The catalog benchmark (issue 3, "Scale"), run from a bundle by scripts/bench.ts: 1,000,000
// products in PostgreSQL, and the work the runtime does on them, run the way a worker thread runs
// it — the job's or service's own run() with a services object from createServices (PostgreSQL
// catalog, the in-process cache answered over rpc, FTS5 in a temp DATA_DIR). Figures, never
// assertions: a miss is printed, and a wrong result (a sync touching more than it should) too.
//
// One part per process (BENCH_CATALOG=prepare|analytics|warmup|sync), so one part's heap and
// SQLite page cache never flatter the next one's RSS growth:
//   prepare    create the database if missing, seed it with scripts/seed.ts up to 1M products
//   analytics  daily-analytics ×3
//   warmup     cache-warmup ×3
//   sync       full rebuild into FTS5 ×2, then ×3: change 100 products, incremental pass
//
// Peak RSS growth = the highest RSS seen during the operation minus RSS just before it (after a
// GC). The main thread blocks for seconds inside SQLite (FTS5's final 'rebuild' is one statement),
// so RSS is sampled every 20 ms from a worker thread; VmHWM, reset through /proc/self/clear_refs,
// catches what falls between two samples.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { spawnSync } from "node:child_process";
import { Worker } from "node:worker_threads";
import postgres from "postgres";
import { cacheWarmupJob } from "../src/actors/jobs/cache-warmup.ts";
import { dailyAnalyticsJob } from "../src/actors/jobs/daily-analytics.ts";
import type { JobContext } from "../src/actors/runtime/job-definition.ts";
import { systemClock } from "../src/actors/runtime/clock.ts";
import { elasticsearchSyncService, watermarkPath } from "../src/actors/services/elasticsearch-sync.ts";
import type { CatalogServiceContext } from "../src/actors/services/service-support.ts";
import { type CatalogServices, closeServices, createServices } from "../src/actors/worker-services.ts";
import { cacheRpcHandlers, type Rpc } from "../src/adapters/cache/rpc-cache.ts";
import { MemoryCache } from "../src/adapters/cache/memory-cache.ts";
import type { CatalogStore, Product } from "../src/adapters/catalog/catalog-store.ts";
import { createPostgresCatalogStore } from "../src/adapters/catalog/postgres-catalog-store.ts";
import { loadConfig } from "../src/config.ts";
import { createLogger, memorySink } from "../src/logger.ts";
import { projectRoot } from "../src/paths.ts";

const SERVER = process.env.BENCH_PG ?? "postgres://postgres@127.0.0.1:5432";
const DATABASE = "catalog_jobs_bench";
const DATABASE_URL = `${SERVER}/${DATABASE}`;
const PRODUCTS = 1_000_000;
const CHANGED = 100;
const RUNS = 3;
const FULL_RUNS = Number(process.env.BENCH_FULL_SYNC_RUNS ?? 2);
// An incremental pass re-reads changes stamped within SYNC_OVERLAP_MS (2 s) before the previous
// pass started; waiting past it before a pass means it reads only this round's changes.
const SETTLE_MS = 2_200;

const now = () => systemClock.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
const MB = 1024 * 1024;
const log = (m: string) => process.stderr.write(`  catalog: ${m}\n`);

// --- peak RSS ---

const SAMPLER = `
const { workerData } = require("node:worker_threads");
const peak = new Int32Array(workerData);
setInterval(() => {
  const kb = Math.round(process.memoryUsage.rss() / 1024);
  if (kb > Atomics.load(peak, 0)) Atomics.store(peak, 0, kb);
  Atomics.add(peak, 1, 1);
}, 20);`;

class RssSampler {
  readonly #shared = new Int32Array(new SharedArrayBuffer(8));
  readonly #worker = new Worker(SAMPLER, { eval: true, workerData: this.#shared.buffer });

  reset(): void {
    Atomics.store(this.#shared, 0, 0);
    Atomics.store(this.#shared, 1, 0);
  }
  get peakBytes(): number {
    return Atomics.load(this.#shared, 0) * 1024;
  }
  get samples(): number {
    return Atomics.load(this.#shared, 1);
  }
  stop(): Promise<number> {
    return this.#worker.terminate();
  }
}

function resetHighWaterMark(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    return true;
  } catch {
    return false;
  }
}
const highWaterMark = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) * 1024;

interface Measured<T> {
  ms: number;
  /** Sampled every 20 ms. */
  peakRssGrowthMb: number;
  /** From VmHWM (null where it cannot be reset). */
  hwmGrowthMb: number | null;
  samples: number;
  value: T;
}

const gc = (globalThis as { gc?: () => void }).gc;

async function measure<T>(sampler: RssSampler, fn: () => Promise<T>): Promise<Measured<T>> {
  gc?.();
  await sleep(50);
  const before = process.memoryUsage.rss();
  sampler.reset();
  const hwm = resetHighWaterMark();
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  const peak = Math.max(sampler.peakBytes, process.memoryUsage.rss());
  return {
    ms,
    peakRssGrowthMb: (peak - before) / MB,
    hwmGrowthMb: hwm ? (highWaterMark() - before) / MB : null,
    samples: sampler.samples,
    value,
  };
}

function summary(runs: Measured<unknown>[]) {
  return {
    ms: median(runs.map((r) => r.ms)),
    runsMs: runs.map((r) => Math.round(r.ms * 10) / 10),
    // The highest of the runs, not the median: the first run is the one that grows the heap.
    peakRssGrowthMb: Math.max(...runs.map((r) => r.peakRssGrowthMb)),
    hwmGrowthMb: runs.every((r) => r.hwmGrowthMb !== null) ? Math.max(...runs.map((r) => r.hwmGrowthMb!)) : null,
    samples: runs.map((r) => r.samples),
  };
}

// --- the services, as a worker thread gets them ---

interface Bench {
  services: CatalogServices;
  dataDir: string;
  config: ReturnType<typeof loadConfig>;
  close(): Promise<void>;
}

async function openBench(): Promise<Bench> {
  const dataDir = mkdtempSync(join(tmpdir(), "cj-catalog-bench-"));
  const config = loadConfig({ DATABASE_URL, DATA_DIR: dataDir, LOG_LEVEL: "warn", SEED_ON_START: "false" });
  // The embedded cache lives in the main thread and threads reach it over rpc: the same handlers
  // answer here, without the thread hop.
  const cache = new MemoryCache({ clock: systemClock });
  const handlers = cacheRpcHandlers(cache);
  const rpc: Rpc = (method, ...args) => {
    const h = handlers[method];
    if (!h) return Promise.reject(new Error(`no rpc method ${method} in the catalog benchmark`));
    return h(...args);
  };
  const services = await createServices(config, rpc);
  return {
    services,
    dataDir,
    config,
    async close() {
      await closeServices(services);
      await cache.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let jobs = 0;
function jobContext(services: CatalogServices, type: string): JobContext<null, CatalogServices> {
  return {
    jobId: `bench-${++jobs}`,
    type,
    args: null,
    attempt: 1,
    signal: new AbortController().signal,
    progress: () => {},
    log: () => {},
    services,
    scheduledFor: now(),
  };
}

// --- parts ---

async function prepare(): Promise<Record<string, unknown>> {
  const admin = postgres(`${SERVER}/postgres`, { max: 1, onnotice: () => {} });
  try {
    const [found] = await admin`SELECT 1 AS ok FROM pg_database WHERE datname = ${DATABASE}`;
    if (!found) {
      log(`creating database ${DATABASE}`);
      await admin.unsafe(`CREATE DATABASE ${DATABASE}`);
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
  const store = createPostgresCatalogStore({ url: DATABASE_URL, now, maxConnections: 1 });
  let seedSeconds: number | null = null;
  try {
    await store.migrate();
    const present = await store.countProducts();
    if (present < PRODUCTS) {
      const missing = PRODUCTS - present;
      log(`${present.toLocaleString("en-US")} products present; seeding ${missing.toLocaleString("en-US")} with scripts/seed.ts`);
      const t0 = performance.now();
      const seeded = spawnSync(process.execPath, ["--import", "tsx", "scripts/seed.ts", "--products", String(missing)], {
        cwd: projectRoot(),
        env: { ...process.env, DATABASE_URL, LOG_LEVEL: "warn" },
        stdio: ["ignore", 2, 2],
      });
      if (seeded.status !== 0) throw new Error(`scripts/seed.ts exited with ${seeded.status}`);
      seedSeconds = (performance.now() - t0) / 1000;
      log(`seed took ${seedSeconds.toFixed(1)} s (not part of the figures)`);
      // What autovacuum would do on its own a little later; done now so the figures do not
      // depend on whether it has run yet (index-only scans need the visibility map).
      const sql = postgres(DATABASE_URL, { max: 1, onnotice: () => {} });
      try {
        const t1 = performance.now();
        await sql`VACUUM (ANALYZE) products`;
        log(`VACUUM (ANALYZE) products took ${((performance.now() - t1) / 1000).toFixed(1)} s`);
      } finally {
        await sql.end({ timeout: 5 });
      }
    }
    const products = await store.countProducts();
    log(`${products.toLocaleString("en-US")} live products in ${DATABASE}`);
    return { products, seedSeconds };
  } finally {
    await store.close();
  }
}

async function runJob(part: "analytics" | "warmup"): Promise<Record<string, unknown>> {
  const bench = await openBench();
  const sampler = new RssSampler();
  try {
    const job = part === "analytics" ? dailyAnalyticsJob : cacheWarmupJob;
    const runs: Measured<unknown>[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await measure(sampler, async () => job.run(jobContext(bench.services, job.type)));
      log(`${job.type} run ${i + 1}: ${r.ms.toFixed(0)} ms, peak RSS +${r.peakRssGrowthMb.toFixed(1)} MB`);
      runs.push(r);
    }
    const last = runs.at(-1)!.value as { totalProducts?: number; inStock?: number };
    return { ...summary(runs), totalProducts: last.totalProducts ?? null, inStock: last.inStock ?? null };
  } finally {
    await sampler.stop();
    await bench.close();
  }
}

/** `target` with some methods replaced; every other member reads through to it (bound). */
function overriding<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop as keyof T];
      const v = Reflect.get(t, prop);
      return typeof v === "function" ? v.bind(t) : v;
    },
  });
}

/** Counts what the catalog hands a pass and what the index is asked to write. */
function counting(services: CatalogServices) {
  const seen = { rowsRead: 0, documentsWritten: 0 };
  const { catalog, search } = services;
  return {
    seen,
    services: {
      ...services,
      catalog: overriding(catalog, {
        changedSince: async (...a: Parameters<CatalogStore["changedSince"]>) => {
          const rows = await catalog.changedSince(...a);
          seen.rowsRead += rows.length;
          return rows;
        },
      }),
      search: overriding(search, {
        upsert: async (ps: Product[]) => {
          seen.documentsWritten += ps.length;
          await search.upsert(ps);
        },
      }),
    },
  };
}

async function sync(): Promise<Record<string, unknown>> {
  const bench = await openBench();
  const sampler = new RssSampler();
  const sink = memorySink();
  const { services, seen } = counting(bench.services);
  const service = elasticsearchSyncService();
  const ctx: CatalogServiceContext = {
    services,
    logger: createLogger({ category: "ElasticsearchSyncService", sink, now }),
    signal: new AbortController().signal,
    config: bench.config,
    now,
    progress: () => {},
  };
  const syncedLine = () => {
    const m = /Successfully synced (\d+) products/.exec(sink.lines().at(-1) ?? "");
    return m ? Number(m[1]) : null;
  };
  try {
    const full: Measured<unknown>[] = [];
    for (let i = 0; i < FULL_RUNS; i++) {
      rmSync(watermarkPath(bench.config), { force: true }); // no watermark: the pass rebuilds
      const r = await measure(sampler, () => service.run(ctx) as Promise<void>);
      const synced = syncedLine();
      log(`full sync run ${i + 1}: ${(r.ms / 1000).toFixed(1)} s, ${synced} documents, peak RSS +${r.peakRssGrowthMb.toFixed(1)} MB`);
      full.push({ ...r, value: synced });
    }
    const indexed = await bench.services.search.count();

    const maxId = await bench.services.catalog.maxProductId();
    const incremental: Measured<unknown>[] = [];
    const touched: { synced: number | null; rowsRead: number; documentsWritten: number }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const ids = new Set<number>();
      while (ids.size < CHANGED) ids.add(1 + Math.floor(Math.random() * maxId));
      for (const id of ids) await bench.services.catalog.updateProduct(id, { stockQuantity: Math.floor(Math.random() * 200) });
      await sleep(SETTLE_MS);
      seen.rowsRead = 0;
      seen.documentsWritten = 0;
      const r = await measure(sampler, () => service.run(ctx) as Promise<void>);
      const t = { synced: syncedLine(), rowsRead: seen.rowsRead, documentsWritten: seen.documentsWritten };
      log(`incremental run ${i + 1}: ${r.ms.toFixed(1)} ms, synced ${t.synced}, rows read ${t.rowsRead}, documents written ${t.documentsWritten}`);
      touched.push(t);
      incremental.push(r);
    }
    return {
      full: { ...summary(full), documents: full.map((r) => r.value), indexed },
      incremental: { ...summary(incremental), touched, changed: CHANGED },
    };
  } finally {
    await sampler.stop();
    await bench.close();
  }
}

const part = process.env.BENCH_CATALOG ?? "prepare";
const parts: Record<string, () => Promise<Record<string, unknown>>> = {
  prepare,
  analytics: () => runJob("analytics"),
  warmup: () => runJob("warmup"),
  sync,
};
if (!parts[part]) throw new Error(`BENCH_CATALOG must be one of ${Object.keys(parts).join(", ")}; got "${part}"`);
const result = await parts[part]();
process.stdout.write("RESULT " + JSON.stringify(result) + "\n");
process.exit(0);
