// The scheduler when the ledger fails for a moment: its timers come back instead of stopping.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RuntimeEvents } from "../../../src/actors/runtime/events.ts";
import { Scheduler } from "../../../src/actors/runtime/scheduler.ts";
import { VirtualClock } from "../../../src/actors/runtime/virtual-clock.ts";
import { SqliteLedger } from "../../../src/ledger/sqlite-ledger.ts";
import type { Ledger } from "../../../src/ledger/ledger.ts";
import { createLogger } from "../../../src/logger.ts";

const T0 = Date.parse("2026-06-01T10:00:00Z");

/** The real ledger, whose named methods throw the first `n` times they are called. */
function failing(ledger: Ledger, methods: string[], n = 1): Ledger {
  const left = new Map(methods.map((m) => [m, n]));
  return new Proxy(ledger, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const k = left.get(String(prop)) ?? 0;
        if (k > 0) {
          left.set(String(prop), k - 1);
          return Promise.reject(new Error(`${String(prop)}: database is locked`));
        }
        return value.apply(target, args);
      };
    },
  });
}

async function setup(methods: string[]) {
  const dir = mkdtempSync(join(tmpdir(), "cj-sched-err-"));
  const clock = new VirtualClock(T0);
  const real = await SqliteLedger.open({ path: join(dir, "ledger.db"), clock, retentionMs: 86_400_000 });
  let work = 0;
  const scheduler = new Scheduler({
    ledger: failing(real, methods),
    clock,
    events: new RuntimeEvents(),
    logger: createLogger({ category: "test", level: "error", sink: () => undefined }),
    onWork: () => void work++,
    maxRetriesOf: () => 0,
  });
  return {
    clock,
    real,
    scheduler,
    work: () => work,
    async close() {
      scheduler.stop();
      await real.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test("a delayed job is still promoted when the ledger failed at its instant", async () => {
  const s = await setup(["promoteDue"]);
  try {
    await s.real.write({ now: T0, jobs: [{ type: "x", args: null, state: "Scheduled", enqueueAt: T0 + 5_000, reason: "r", maxRetries: 0 }] });
    await s.scheduler.start();
    await s.clock.advance(5_000); // the first promotion fails
    assert.is((await s.real.countByState()).Scheduled, 1);
    await s.clock.advance(1_000); // and is tried again a second later
    assert.is((await s.real.countByState()).Enqueued, 1);
    assert.is(s.work(), 1);
  } finally {
    await s.close();
  }
});

test("a delayed job is still promoted when reading the next due instant failed as the scheduler started", async () => {
  const s = await setup(["nextScheduledAt"]);
  try {
    await s.real.write({ now: T0, jobs: [{ type: "x", args: null, state: "Scheduled", enqueueAt: T0 + 5_000, reason: "r", maxRetries: 0 }] });
    await s.scheduler.start(); // reading when the first delayed job is due fails (SQLITE_BUSY at boot)
    await s.clock.advance(5_000);
    assert.is((await s.real.countByState()).Enqueued, 1, "promoted at its instant all the same");
  } finally {
    await s.close();
  }
});

test("recurring jobs keep firing after reading them failed once", async () => {
  const s = await setup(["listRecurring"]);
  try {
    await s.real.upsertRecurring(
      { id: "every-minute", name: "Every minute", type: "x", args: null, cron: "* * * * *", timeZone: "UTC", misfire: "relaxed" },
      T0,
      T0 + 60_000,
      false,
    );
    s.scheduler.setLeader(true); // its first pass fails
    await s.clock.advance(1_000);
    await s.clock.advance(60_000);
    const jobs = await s.real.listJobs({ type: "x", limit: 10 });
    assert.is(jobs.length, 1, "the tick at +60 s fired");
  } finally {
    await s.close();
  }
});

test.run();
