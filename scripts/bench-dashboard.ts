// Dashboard render time with a big ledger: fills a temp ledger with 1,000,000 jobs (batched
// ledger.write, then batched transitions into Succeeded, Failed and Deleted), then times the
// server's answer (app.request(): routing, access checks, ledger queries, JSX rendering) for the
// overview and the job lists, and prints p50/p95/max per page. Target: ≤ 30 ms p95.
//
//   npx tsx scripts/bench-dashboard.ts [jobs] [iterations]
//
// Nothing here runs a job: every row is written straight to the ledger (Scheduled a year ahead
// first, so no worker would claim it), and the runtime has one idle worker.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import type { Context } from "hono";
import { createApp, type AppDeps } from "../src/app.ts";
import { systemClock } from "../src/actors/runtime/clock.ts";
import { JOB_WORKER_ENTRY, JOBS_MODULE } from "../src/actors/runtime/entry-points.ts";
import { Runtime } from "../src/actors/runtime/runtime.ts";
import { loadConfig } from "../src/config.ts";
import type { JobState, NewJob, Transition } from "../src/ledger/ledger.ts";
import { SqliteLedger } from "../src/ledger/sqlite-ledger.ts";
import { createLogger } from "../src/logger.ts";
import type { CatalogStore } from "../src/adapters/catalog/catalog-store.ts";
import type { Cache } from "../src/adapters/cache/cache.ts";
import type { SearchIndex } from "../src/adapters/search/search-index.ts";

const TYPES = ["daily-analytics", "weekly-inventory-report", "cache-warmup", "popular-products", "cleanup"];
const BATCH = 20_000;
const DAY = 86_400_000;

export interface PageTiming {
  name: string;
  path: string;
  p50: number;
  p95: number;
  max: number;
  bytes: number;
}

export interface DashboardBench {
  jobs: number;
  fillSeconds: number;
  counts: Record<JobState, number>;
  pages: PageTiming[];
}

/** Which final state job number `i` gets: 70% Succeeded, 15% Failed, 10% Scheduled, 5% Deleted. */
function fate(i: number): JobState {
  const r = i % 20;
  if (r < 14) return "Succeeded";
  if (r < 17) return "Failed";
  if (r < 19) return "Scheduled";
  return "Deleted";
}

async function fill(ledger: SqliteLedger, total: number, now: number): Promise<void> {
  const later = now + 365 * DAY;
  for (let start = 0; start < total; start += BATCH) {
    const n = Math.min(BATCH, total - start);
    const jobs: NewJob[] = Array.from({ length: n }, (_, k) => {
      const i = start + k;
      return {
        type: TYPES[i % TYPES.length],
        args: { productId: i, category: `category-${i % 97}`, requestedBy: `user-${i % 13}@example.com` },
        state: "Scheduled",
        enqueueAt: later,
        reason: "Bench fill",
        maxRetries: 10,
      };
    });
    const { jobs: made } = await ledger.write({ now: now - (total - start) * 10, jobs });
    const transitions: Transition[] = [];
    made.forEach((m, k) => {
      const to = fate(start + k);
      if (to === "Scheduled") return;
      const at = now - (total - start - k) * 10; // spread over the last few hours
      transitions.push({
        jobId: m.id,
        from: ["Scheduled"],
        to,
        reason: to === "Failed" ? "Exceeded the maximum number of retry attempts (10)." : to === "Deleted" ? "Deleted from the dashboard" : null,
        at,
        durationMs: 5 + (k % 50),
        result: to === "Succeeded" ? { ok: true } : undefined,
        error:
          to === "Failed"
            ? { type: "DependencyUnavailableError", message: `catalog unavailable while processing product ${start + k}`, stack: "DependencyUnavailableError: catalog unavailable\n    at run (jobs/x.ts:1:1)" }
            : undefined,
      });
    });
    await ledger.write({ now, transitions });
    if ((start / BATCH) % 10 === 9) process.stdout.write(`  ${((start + n) / 1000).toFixed(0)}k jobs written\n`);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function benchDashboard(opts: { jobs?: number; iterations?: number; log?: (line: string) => void } = {}): Promise<DashboardBench> {
  const total = opts.jobs ?? 1_000_000;
  const iterations = opts.iterations ?? 200;
  const log = opts.log ?? ((l: string) => console.log(l));
  const dir = mkdtempSync(join(tmpdir(), "cj-bench-dashboard-"));
  const logger = createLogger({ category: "bench", level: "warn" });
  const ledger = await SqliteLedger.open({ path: join(dir, "ledger.db"), clock: systemClock, retentionMs: 30 * DAY });
  let runtime: Runtime | null = null;
  try {
    const started = performance.now();
    log(`Filling a ledger with ${total.toLocaleString("en-US")} jobs…`);
    await fill(ledger, total, systemClock.now());
    const fillSeconds = (performance.now() - started) / 1000;
    runtime = await Runtime.start({
      ledger,
      clock: systemClock,
      logger,
      workerCount: 1,
      leaseTtlMs: 5_000,
      defaultJobTimeoutMs: 60_000,
      jobModules: [JOBS_MODULE()],
      entryUrl: JOB_WORKER_ENTRY(),
      recurring: TYPES.map((t, i) => ({ id: t, name: t, type: t, args: null, cron: `${i * 10} 3 * * *`, timeZone: "UTC", misfire: "relaxed" as const })),
    });
    const stub = { ping: async () => {}, close: async () => {} };
    const deps = {
      config: loadConfig({}),
      clock: systemClock,
      logger,
      runtime,
      catalog: stub as unknown as CatalogStore,
      cache: stub as unknown as Cache,
      search: stub as unknown as SearchIndex,
      bus: null,
      clientAddress: (_c: Context) => ({ remote: "127.0.0.1" }),
    } as AppDeps;
    const app = createApp(deps);
    const counts = await runtime.countByState();
    const newest = (await runtime.listJobs({ limit: 1 }))[0];
    const deep = String(Math.floor(Number(newest.id) * 0.05)); // a page near the oldest jobs
    const failed = (await runtime.listJobs({ state: "Failed", limit: 1 }))[0];
    const hx = { "HX-Request": "true" };
    const cases: { name: string; path: string; headers?: Record<string, string>; iterations?: number }[] = [
      { name: "overview (whole page)", path: "/hangfire" },
      { name: "overview live part (every second)", path: "/hangfire", headers: { ...hx, "HX-Target": "overview-live" } },
      { name: "succeeded, first page", path: "/hangfire/jobs/succeeded" },
      { name: "succeeded, page near the oldest", path: `/hangfire/jobs/succeeded?before=${deep}` },
      { name: "failed, first page, 100 rows", path: "/hangfire/jobs/failed?limit=100" },
      { name: "all jobs, first page", path: "/hangfire/jobs/all" },
      { name: "succeeded, filtered by type", path: "/hangfire/jobs/succeeded?type=cleanup" },
      { name: "deleted (5%), filtered by type", path: "/hangfire/jobs/deleted?type=cleanup" },
      { name: "enqueued (none), filtered by type", path: "/hangfire/jobs/enqueued?type=cleanup" },
      { name: "job table part (htmx)", path: "/hangfire/jobs/failed", headers: { ...hx, "HX-Target": "job-table" } },
      { name: "job details", path: `/hangfire/jobs/details/${failed.id}` },
      { name: "retries (scans Scheduled)", path: "/hangfire/retries" },
      { name: "recurring", path: "/hangfire/recurring" },
      { name: "search by id", path: `/hangfire/jobs/all?q=${failed.id}` },
      { name: "search by text, common match", path: "/hangfire/jobs/all?q=category-42" },
      { name: "search by text, rare match (full scan)", path: `/hangfire/jobs/all?q=${encodeURIComponent("product 12345,")}`, iterations: 10 },
    ];
    const pages: PageTiming[] = [];
    for (const c of cases) {
      const n = c.iterations ?? iterations;
      let bytes = 0;
      for (let i = 0; i < Math.min(20, n); i++) await (await app.request(c.path, { headers: c.headers })).text(); // warm-up
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const res = await app.request(c.path, { headers: c.headers });
        const body = await res.text();
        times.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`${c.path} answered ${res.status}: ${body.slice(0, 200)}`);
        bytes = body.length;
      }
      times.sort((a, b) => a - b);
      pages.push({ name: c.name, path: c.path, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)!, bytes });
    }
    return { jobs: total, fillSeconds, counts, pages };
  } finally {
    await runtime?.stop(1_000);
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatBench(b: DashboardBench): string {
  const lines = [
    `Dashboard render time with ${b.jobs.toLocaleString("en-US")} jobs (filled in ${b.fillSeconds.toFixed(1)} s): ` +
      Object.entries(b.counts)
        .map(([s, n]) => `${s} ${n.toLocaleString("en-US")}`)
        .join(", "),
    `${"page".padEnd(42)} ${"p50 ms".padStart(8)} ${"p95 ms".padStart(8)} ${"max ms".padStart(8)} ${"KB".padStart(6)}`,
    ...b.pages.map(
      (p) =>
        `${p.name.padEnd(42)} ${p.p50.toFixed(2).padStart(8)} ${p.p95.toFixed(2).padStart(8)} ${p.max.toFixed(2).padStart(8)} ${(p.bytes / 1024).toFixed(1).padStart(6)}${p.p95 > 30 ? "  > 30 ms" : ""}`,
    ),
  ];
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const jobs = Number(process.argv[2] ?? 1_000_000);
  const iterations = Number(process.argv[3] ?? 200);
  const result = await benchDashboard({ jobs, iterations });
  console.log(formatBench(result));
}
