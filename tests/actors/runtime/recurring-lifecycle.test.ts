// Recurring jobs across operator actions and deploys while ticks are due: a trigger-now or an
// "enable" during a leader handover, a pause and a resume written in code. None may drop a due
// tick, and none may backfill a paused period.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { VirtualClock } from "../../../src/actors/runtime/virtual-clock.ts";
import { SqliteLedger } from "../../../src/ledger/sqlite-ledger.ts";
import { startRuntime, tempDir } from "../../helpers/runtime-harness.ts";

const at = (s: string) => Date.parse(s);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const hourly = { id: "hourly", name: "Hourly", type: "noop", args: null, cron: "0 * * * *", timeZone: "UTC", misfire: "strict" as const };
const DUE = ["2026-01-01T01:00:00.000Z", "2026-01-01T02:00:00.000Z", "2026-01-01T03:00:00.000Z", "2026-01-01T04:00:00.000Z"];

/** What a crashed leader left at 04:30: a strict hourly job whose 01:00 tick is pending, and its unreleased lease. */
async function afterCrashedLeader() {
  const dir = tempDir();
  const clock = new VirtualClock("2026-01-01T04:30:00Z");
  const seed = await SqliteLedger.open({ path: join(dir.path, "ledger.db"), clock, retentionMs: 86_400_000 });
  await seed.upsertRecurring(hourly, at("2026-01-01T00:30:00Z"), at("2026-01-01T01:00:00Z"), false);
  await seed.acquireLease("scheduler", "crashed-process", clock.now(), 2_000);
  await seed.close();
  const h = await startRuntime({ dir: dir.path, clock, leaseTtlMs: 2_000 });
  return {
    h,
    clock,
    /** This server takes the lease over and fires what is due; the ticks' instants, sorted. */
    async ticksAfterTakeover(except?: string) {
      await clock.advance(3_000);
      assert.is(h.rt.isLeader, true);
      await h.rt.settle();
      const jobs = (await h.ledger.listJobs({ limit: 100 })).filter((j) => j.recurringId === "hourly" && j.id !== except);
      return jobs.map((j) => iso(j.scheduledFor)).sort();
    },
    async close() {
      await h.close();
      dir.remove();
    },
  };
}

test("a trigger-now during a leader handover does not swallow the ticks that are due", async () => {
  const s = await afterCrashedLeader();
  try {
    assert.is(s.h.rt.isLeader, false, "the crashed process's lease has not lapsed yet");
    const triggered = await s.h.rt.triggerRecurring("hourly");
    assert.equal(await s.ticksAfterTakeover(triggered.jobId), DUE, "strict: one run per missed tick, besides the triggered one");
    const rec = await s.h.rt.getRecurring("hourly");
    assert.ok(rec.lastExecution! >= at("2026-01-01T04:30:00Z"), "the last execution stays the trigger's, not an earlier tick's");
  } finally {
    await s.close();
  }
});

test("enabling a recurring job that is already enabled does not move its due ticks away", async () => {
  const s = await afterCrashedLeader();
  try {
    await s.h.rt.setRecurringEnabled("hourly", true);
    assert.equal(await s.ticksAfterTakeover(), DUE);
  } finally {
    await s.close();
  }
});

test("resuming in code a recurring job that code had paused does not run the ticks of the pause", async () => {
  const dir = tempDir();
  const clock = new VirtualClock("2026-01-01T00:00:00Z");
  const def = { ...hourly, force: true };
  try {
    let h = await startRuntime({ dir: dir.path, clock, recurring: [def] });
    await h.close();
    await clock.advanceTo("2026-01-01T00:30:00Z");
    h = await startRuntime({ dir: dir.path, clock, recurring: [{ ...def, enabled: false }] }); // a deploy pauses it
    await h.close();
    await clock.advanceTo("2026-01-03T00:30:00Z"); // two days later, a deploy resumes it
    h = await startRuntime({ dir: dir.path, clock, recurring: [def] });
    try {
      await clock.advance(1_000);
      assert.is(h.rt.isLeader, true);
      await h.rt.settle();
      assert.is(iso((await h.rt.getRecurring("hourly")).nextExecution), "2026-01-03T01:00:00.000Z");
      const runs = (await h.ledger.listJobs({ limit: 1000 })).filter((j) => j.recurringId === "hourly");
      assert.is(runs.length, 0, `ticks of the paused days were run: ${runs.length}`);
    } finally {
      await h.close();
    }
  } finally {
    dir.remove();
  }
});

test.run();
