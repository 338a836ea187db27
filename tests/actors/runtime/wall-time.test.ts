// The real clock follows steps of the wall clock (NTP at boot, a manual fix, a VM resumed after a
// pause): readings jump with it, threads agree after it, timers for a wall instant (cron, delayed
// jobs) move with it, and durations (retries, heartbeats, job timeouts) do not.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createSystemClock } from "../../../src/actors/runtime/clock.ts";
import { createWallTime, STEP_MS, wallNow } from "../../../src/actors/runtime/wall-time.ts";
import { GroupCommit } from "../../../src/actors/runtime/group-commit.ts";
import { createLogger, memorySink } from "../../../src/logger.ts";
import { startRuntime, tempDir } from "../../helpers/runtime-harness.ts";

const T0 = Date.parse("2026-11-29T08:00:00Z");

/** A wall clock and a monotonic one the test moves by hand; `origin` as a thread started at `startedAt`. */
function sources(startedAt = 0) {
  const s = { wallMs: T0, monoMs: 0 };
  const view = { wall: () => Math.floor(s.wallMs), mono: () => s.monoMs - startedAt, origin: T0 + startedAt };
  return { s, view, pass: (ms: number) => ((s.wallMs += ms), (s.monoMs += ms)) };
}

test("between steps the reading is the monotonic one, to the fraction of a millisecond", () => {
  const { view, pass } = sources();
  const now = createWallTime(view);
  pass(12.345);
  assert.is(now(), T0 + 12.345);
  pass(0.25);
  assert.is(now(), T0 + 12.595, "not Date.now()'s whole milliseconds");
});

test("a step of the wall clock forward or back is followed at once", () => {
  const { s, view, pass } = sources();
  const now = createWallTime(view);
  pass(1000);
  s.wallMs += 3_600_000; // the VM was paused for an hour: the monotonic clock did not move
  assert.is(now(), T0 + 1000 + 3_600_000);
  pass(10.5);
  assert.is(now(), T0 + 3_601_010.5, "and goes on from there with sub-millisecond steps");
  s.wallMs -= 7_200_000; // a manual fix two hours back
  assert.is(now(), T0 + 3_601_010 - 7_200_000, "Date.now() at the step (whole milliseconds)");
});

test("a drift under STEP_MS is not a step: the reading stays smooth", () => {
  const { s, view, pass } = sources();
  const now = createWallTime(view);
  pass(500);
  s.wallMs += STEP_MS - 1;
  assert.is(now(), T0 + 500);
});

test("two threads started at different times read the same time after a step", () => {
  const a = sources(0);
  const b = { s: a.s, view: { ...a.view, mono: () => a.s.monoMs - 40_000, origin: T0 + 40_000 } };
  const [nowA, nowB] = [createWallTime(a.view), createWallTime(b.view)];
  a.pass(50_000);
  assert.is(nowA(), nowB());
  a.s.wallMs += 90_000;
  assert.ok(Math.abs(nowA() - nowB()) < 1, `${nowA()} vs ${nowB()}`);
});

test("this thread's wall time is Date.now() within a few milliseconds", () => {
  assert.ok(Math.abs(wallNow() - Date.now()) < 5);
});

/** The real clock on real timers, over a wall clock the test can step. */
function steppable(recheckMs = 60_000) {
  let offset = 0;
  const now = createWallTime({ wall: () => Date.now() + offset, mono: () => performance.now(), origin: performance.timeOrigin });
  return { clock: createSystemClock(now, recheckMs), step: (ms: number) => (offset += ms) };
}

/** Real milliseconds until the timer fired; Infinity if it has not within 5 s. */
function timed(arm: (fn: () => void) => void) {
  const started = performance.now();
  return new Promise<number>((resolve) => {
    const limit = setTimeout(() => resolve(Number.POSITIVE_INFINITY), 5_000); // also holds the process open: the clock's timers do not
    arm(() => {
      clearTimeout(limit);
      resolve(performance.now() - started);
    });
  });
}

test("a timer for a wall instant, while the wall clock is stepped back, fires at that instant, not early", async () => {
  const { clock, step } = steppable(60_000);
  const done = timed((fn) => clock.setTimeoutAt!(fn, clock.now() + 100));
  setTimeout(() => step(-300), 20);
  const after = await done;
  assert.ok(after >= 390, `fired after ${after.toFixed(0)} ms of real time; its instant was 400 ms away`);
});

test("a timer for a wall instant, while the wall clock is stepped forward, fires within one re-check of it", async () => {
  const { clock, step } = steppable(50);
  const done = timed((fn) => clock.setTimeoutAt!(fn, clock.now() + 60_000));
  setTimeout(() => step(60_000), 20);
  const after = await done;
  assert.ok(after < 1_000, `fired after ${after.toFixed(0)} ms of real time; its instant had passed at 20 ms`);
});

test("a timer for a wall instant never fires before it, after a short wait or a long one", async () => {
  const clock = createSystemClock();
  const early: string[] = [];
  // Fractional instants: a timer rounds to whole milliseconds; short waits are timer-only, long ones
  // end on the event loop.
  for (const wait of [3.3, 7.7, 12.5, 20.9, 35.1, 101.4, 130.6, 150.2]) {
    const at = clock.now() + wait;
    const firedAt = await new Promise<number>((resolve) => {
      const keep = setTimeout(() => undefined, 10_000); // the clock's timers do not hold the process
      clock.setTimeoutAt!(() => (clearTimeout(keep), resolve(clock.now())), at);
    });
    if (firedAt < at) early.push(`${wait} ms: ${(at - firedAt).toFixed(3)} ms early`);
  }
  assert.equal(early, []);
});

test("a timer for an instant that is no number fires, as before, instead of spinning the event loop", async () => {
  let reads = 0;
  const clock = createSystemClock(() => (reads++, wallNow()));
  let fired = false;
  const keep = setTimeout(() => undefined, 10_000); // a server's handles keep the process alive
  const handle = clock.setTimeoutAt!(() => (fired = true), Number.NaN);
  await new Promise((r) => setTimeout(r, 300));
  clock.clearTimeout(handle);
  clearTimeout(keep);
  assert.ok(fired, `not fired; the clock read the time ${reads} times in 300 ms (a ref'd setImmediate loop)`);
});

test("a timer for a wall instant cleared during its last milliseconds does not fire", async () => {
  // A wall time the test holds 2 ms before the instant: once its timer is up, the clock waits out
  // the rest on the event loop, reading the time over and over, until cleared.
  let wall = 0;
  let reads = 0;
  const clock = createSystemClock(() => (reads++, wall));
  let fired = false;
  const keep = setTimeout(() => undefined, 10_000); // the clock's timers do not hold the process
  const handle = clock.setTimeoutAt!(() => (fired = true), 100);
  wall = 98;
  while (reads < 20) await new Promise((r) => setTimeout(r, 5));
  clock.clearTimeout(handle);
  wall = 200; // past the instant: a spin still going would fire now
  await new Promise((r) => setTimeout(r, 20));
  clearTimeout(keep);
  assert.is(fired, false);
});

test("a duration is not moved by a step of the wall clock", async () => {
  const { clock, step } = steppable(60_000);
  const done = timed((fn) => clock.setTimeout(fn, 100));
  setTimeout(() => step(-3_600_000), 20);
  const after = await done;
  assert.ok(after >= 98 && after < 1_000, `fired after ${after.toFixed(0)} ms`);
});

test("a wall step back does not hold the group commit's 50 ms retry for an hour", async () => {
  const { clock, step } = steppable();
  let calls = 0;
  const ledger = {
    write: async () => {
      if (++calls === 1) throw new Error("SQLITE_BUSY");
      return { jobs: [{ id: "1", created: true }], applied: [], claimed: [] };
    },
  };
  const gc = new GroupCommit({ ledger: ledger as never, clock, logger: createLogger({ category: "t", sink: memorySink(), level: "error" }) });
  const job = { type: "noop", args: null, state: "Enqueued" as const, reason: "x", maxRetries: 0 };
  assert.is(await gc.addJobs([job]).catch(() => "rejected"), "rejected");
  step(-3_600_000);
  const after = await timed((fn) => void gc.addJobs([job]).then(fn));
  gc.close();
  assert.ok(after < 2_000, `the next write committed after ${after.toFixed(0)} ms`);
});

test("after a wall step back the heartbeat goes on: a job claimed then keeps its lease while it runs", async () => {
  const { clock, step } = steppable();
  const h = await startRuntime({ clock, leaseTtlMs: 600 });
  try {
    step(-3_600_000);
    const { jobId } = await h.rt.enqueue("sleeps", { ms: 2_000 });
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(await h.ledger.recoverExpired(clock.now(), 10), [], `job ${jobId}'s lease lapsed while it ran`);
  } finally {
    await h.close();
  }
});

test("a wall step forward longer than the lease does not make the server recover its own running job", async () => {
  const { clock, step } = steppable(50);
  // Recovery every 200 ms, heartbeat every 333 ms: after the step at ~150 ms, recovery runs first.
  const h = await startRuntime({ clock, leaseTtlMs: 1_000 });
  try {
    const recovered: string[][] = [];
    h.rt.events.on("lease:recovered", (e) => recovered.push(e.jobIds));
    const processing = h.rt.events.waitFor("job:processing", (e) => e.type === "sleeps", 5_000);
    const { jobId } = await h.rt.enqueue("sleeps", { ms: 900 });
    await processing;
    step(10_000);
    await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === jobId, 5_000);
    await h.rt.settle();
    assert.equal(recovered, [], "its lease lapsed only on paper: the job was alive all along");
    const job = (await h.rt.getJob(jobId))!;
    assert.is(job.state, "Succeeded");
    assert.is(job.attempt, 1, "run once");
  } finally {
    await h.close();
  }
});

// A step is seen by every server on the host at once (a SQLite ledger's servers share one host).
test("a wall step forward longer than the lease does not make a peer recover a job running on another server", async () => {
  const { clock, step } = steppable();
  const dir = tempDir();
  // Same options on both: recovery every 200 ms, heartbeat every 333 ms.
  const a = await startRuntime({ dir: dir.path, clock, leaseTtlMs: 1_000 });
  const b = await startRuntime({ dir: dir.path, clock, leaseTtlMs: 1_000 });
  try {
    const recovered: string[] = [];
    for (const h of [a, b]) h.rt.events.on("lease:recovered", (e) => recovered.push(...e.jobIds));
    const attempts: number[] = [];
    // Each trial: which server's timer runs first after the step is a matter of phase; twelve trials.
    for (let i = 0; i < 12; i++) {
      const processing = a.rt.events.waitFor("job:processing", (e) => e.type === "sleeps", 5_000);
      const processingB = b.rt.events.waitFor("job:processing", (e) => e.type === "sleeps", 5_000);
      const { jobId } = await a.rt.enqueue("sleeps", { ms: 600 });
      await Promise.race([processing, processingB]);
      await new Promise((r) => setTimeout(r, Math.random() * 200));
      step(10_000);
      await Promise.race([
        a.rt.events.waitFor("job:succeeded", (e) => e.jobId === jobId && e.attempt > 0, 10_000),
        b.rt.events.waitFor("job:succeeded", (e) => e.jobId === jobId && e.attempt > 0, 10_000),
      ]);
      await new Promise((r) => setTimeout(r, 800)); // a second run, if any, ends too
      await a.rt.settle();
      await b.rt.settle();
      attempts.push((await a.rt.getJob(jobId))!.attempt);
    }
    assert.equal({ recovered, attempts }, { recovered: [], attempts: Array(12).fill(1) }, "alive all along, each run once");
  } finally {
    await b.close().catch(() => undefined);
    await a.close();
    dir.remove();
  }
});

test("a wall step forward does not time out a running job", async () => {
  const { clock, step } = steppable(50);
  const h = await startRuntime({ clock, defaultJobTimeoutMs: 5_000, leaseTtlMs: 60_000 });
  try {
    const { jobId } = await h.rt.enqueue("sleeps", { ms: 600 });
    await new Promise((r) => setTimeout(r, 150));
    step(10_000);
    await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === jobId, 5_000);
    await h.rt.settle();
    const job = (await h.rt.getJob(jobId))!;
    assert.is(job.state, "Succeeded");
    assert.is(job.attempt, 1);
  } finally {
    await h.close();
  }
});

test.run();
