// The runtime benchmark proper, run from a bundle (see scripts/bench.ts): a durable WAL ledger,
// WORKER_COUNT=5 job workers running job code in threads.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import process from "node:process";
import { systemClock } from "../src/actors/runtime/clock.ts";
import { Runtime } from "../src/actors/runtime/runtime.ts";
import { SqliteLedger } from "../src/ledger/sqlite-ledger.ts";
import { createLogger } from "../src/logger.ts";

const here = import.meta.dirname;
const ENTRY = pathToFileURL(join(here, "job-worker.js")).href;
const JOBS = pathToFileURL(join(here, "bench-jobs.js")).href;
const CHECKPOINTER = pathToFileURL(join(here, "ledger-checkpointer.js")).href;
const WORKERS = 5;
const DRAIN_JOBS = Number(process.env.BENCH_DRAIN_JOBS ?? 20_000);
const now = () => performance.timeOrigin + performance.now();

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function withRuntime<T>(fn: (rt: Runtime, ledger: SqliteLedger) => Promise<T>, recurring = 0): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "cj-bench-"));
  const ledger = await SqliteLedger.open({
    path: join(dir, "ledger.db"),
    clock: systemClock,
    retentionMs: 86_400_000,
    checkpointerEntryUrl: process.env.BENCH_CHECKPOINTER === "0" ? undefined : CHECKPOINTER,
  });
  const rt = await Runtime.start({
    ledger,
    clock: systemClock,
    logger: createLogger({ category: "bench", level: "warn" }),
    workerCount: WORKERS,
    leaseTtlMs: 5_000,
    defaultJobTimeoutMs: 60_000,
    jobModules: [JOBS],
    entryUrl: ENTRY,
    prefetch: process.env.BENCH_PREFETCH ? Number(process.env.BENCH_PREFETCH) : undefined, // the runtime's default unless set
    recurring: Array.from({ length: recurring }, (_, i) => ({
      id: `tick-${i}`,
      name: `Tick ${i}`,
      type: "bench-noop",
      args: null,
      cron: "* * * * * *",
      timeZone: "UTC",
      misfire: "relaxed" as const,
    })),
  });
  try {
    return await fn(rt, ledger);
  } finally {
    await rt.stop(5_000);
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Enqueue rate (paused server, so nothing else competes) and drain throughput of the backlog. */
async function enqueueAndDrain(): Promise<{ enqueuePerSec: number; drainPerSec: number }> {
  return withRuntime(async (rt) => {
    rt.pause();
    const t0 = now();
    const inFlight = 1000; // callers awaiting at once (an HTTP server under load looks like this)
    for (let i = 0; i < DRAIN_JOBS; i += inFlight) {
      await Promise.all(Array.from({ length: Math.min(inFlight, DRAIN_JOBS - i) }, () => rt.enqueue("bench-noop")));
    }
    const enqueueMs = now() - t0;
    let done = 0;
    const finished = new Promise<void>((resolve) => {
      rt.events.on("job:succeeded", () => {
        if (++done === DRAIN_JOBS) resolve();
      });
    });
    const t1 = now();
    rt.resume();
    await finished;
    const drainMs = now() - t1;
    if (process.env.BENCH_STATS) console.error("commit stats", rt.commitStats());
    const counts = await rt.countByState();
    if (counts.Succeeded !== DRAIN_JOBS) throw new Error(`expected ${DRAIN_JOBS} Succeeded, ledger says ${counts.Succeeded}`);
    return { enqueuePerSec: (DRAIN_JOBS / enqueueMs) * 1000, drainPerSec: (DRAIN_JOBS / drainMs) * 1000 };
  });
}

/** Idle system: enqueue one job at a time, measure enqueue call → job code starting. */
async function pickup(samples = 300): Promise<number[]> {
  return withRuntime(async (rt) => {
    const out: number[] = [];
    for (let i = 0; i < samples + 20; i++) {
      const done = rt.events.waitFor("job:succeeded");
      const t = now();
      const { jobId } = await rt.enqueue("bench-stamp");
      await done;
      await rt.settle();
      const started = (await rt.getJob(jobId))!.result as number;
      if (i >= 20) out.push(started - t); // the first ones warm the JIT
      await new Promise((r) => setTimeout(r, 2)); // idle between samples (past the group commit's 1 ms burst window; longer gaps on this VM measure vCPU wake-up, not the runtime)
    }
    return out;
  });
}

/** Five every-second recurring jobs for `seconds`: how late each tick fires. */
async function cronLateness(seconds = 20): Promise<number[]> {
  return withRuntime(async (rt) => {
    const out: number[] = [];
    rt.events.on("recurring:fired", (e) => out.push(e.latenessMs));
    await new Promise((r) => setTimeout(r, seconds * 1000));
    return out;
  }, 5);
}

if (process.env.BENCH_ONLY === "pickup") {
  const xs = await pickup();
  process.stdout.write("RESULT " + JSON.stringify({ p50: pct(xs, 50), p99: pct(xs, 99) }) + "\n");
  process.exit(0);
}
if (process.env.BENCH_ONLY === "drain") {
  await enqueueAndDrain(); // warms the JIT, as the bare loop's first run does
  const r = await enqueueAndDrain();
  process.stdout.write("RESULT " + JSON.stringify(r) + "\n");
  process.exit(0);
}
// The drains are run by scripts/bench.ts, one process each, alternating with the bare loop.
const pick = await pickup();
const late = await cronLateness();
const result = {
  pickupP50Ms: pct(pick, 50),
  pickupP99Ms: pct(pick, 99),
  cronLateP50Ms: pct(late, 50),
  cronLateP99Ms: pct(late, 99),
  cronSamples: late.length,
};
process.stdout.write("RESULT " + JSON.stringify(result) + "\n");
process.exit(0);
