// Real worker threads misbehaving: each test checks the job's fate in the ledger and that the
// worker actor came back.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Clock, systemClock } from "../../../src/actors/runtime/clock.ts";
import { JOB_WORKER_ENTRY } from "../../../src/actors/runtime/entry-points.ts";
import { Runtime } from "../../../src/actors/runtime/runtime.ts";
import type { ClaimedJob, WriteBatch } from "../../../src/ledger/ledger.ts";
import { SqliteLedger } from "../../../src/ledger/sqlite-ledger.ts";
import { createLogger } from "../../../src/logger.ts";
import { startRuntime, tempDir, TEST_JOBS, type Harness } from "../../helpers/runtime-harness.ts";
import { readFileSync } from "node:fs";

async function finalState(h: Harness, jobId: string, state: "Succeeded" | "Failed") {
  await h.rt.events.waitFor(state === "Succeeded" ? "job:succeeded" : "job:failed", (e) => e.jobId === jobId && (state === "Succeeded" || (e as { retryAt: number | null }).retryAt === null), 20_000);
  await h.rt.settle();
  return (await h.rt.getJob(jobId))!;
}

test("a job that throws is retried on its policy until it succeeds, with every failure in its history", async () => {
  const h = await startRuntime();
  try {
    const { jobId } = await h.rt.enqueue("flaky", { failTimes: 2 });
    const job = await finalState(h, jobId, "Succeeded");
    assert.equal(job.result, { succeededOnAttempt: 3 });
    assert.is(job.attempt, 3);
    const states = job.history.map((s) => s.state);
    assert.equal(states, ["Enqueued", "Processing", "Failed", "Enqueued", "Processing", "Failed", "Enqueued", "Processing", "Succeeded"]);
    const retry = job.history[3];
    assert.match(retry.reason!, /^Retry attempt 1 of 3: flaky failure on attempt 1/);
    assert.is((job.history[2].data as { error: { type: string } }).error.type, "Error");
  } finally {
    await h.close();
  }
});

test("a job whose retries run out stays Failed with its exception type, message and stack", async () => {
  const h = await startRuntime();
  try {
    const { jobId } = await h.rt.enqueue("always-fails");
    const job = await finalState(h, jobId, "Failed");
    assert.is(job.state, "Failed");
    assert.is(job.attempt, 3);
    assert.is(job.error!.type, "RangeError");
    assert.is(job.error!.message, "this job always fails");
    assert.match(job.error!.stack, /test-jobs\.ts/);
    assert.is(job.expiresAt, null, "failed jobs never expire");
    assert.match(job.reason!, /Exceeded the maximum number of retry attempts \(2\)/);
  } finally {
    await h.close();
  }
});

test("the default policy schedules the first retry 15 to 44 seconds later, as Hangfire does", async () => {
  const h = await startRuntime();
  try {
    const failed = h.rt.events.waitFor("job:failed");
    const { jobId } = await h.rt.enqueue("default-retry-fails");
    const ev = await failed;
    await h.rt.settle();
    const job = (await h.rt.getJob(jobId))!;
    assert.is(job.state, "Scheduled");
    const delayS = (job.enqueueAt! - job.updatedAt) / 1000;
    assert.ok(delayS >= 15 && delayS <= 44, `delay ${delayS}s`);
    assert.match(ev.reason, /^Retry attempt 1 of 10: fails with the default policy$/);
  } finally {
    await h.close();
  }
});

test("an UnrecoverableError fails the job at once without retries", async () => {
  const h = await startRuntime();
  try {
    const { jobId } = await h.rt.enqueue("unrecoverable");
    const job = await finalState(h, jobId, "Failed");
    assert.is(job.attempt, 1);
    assert.is(job.error!.type, "UnrecoverableError");
  } finally {
    await h.close();
  }
});

test("a worker that calls process.exit fails its job with WorkerDiedError, is restarted, and the retry succeeds", async () => {
  const h = await startRuntime({ workerCount: 1 });
  try {
    const restarted = h.rt.events.waitFor("actor:state", (e) => e.actorId === "job-worker-1" && e.state === "restarting");
    const { jobId } = await h.rt.enqueue("exits");
    await restarted;
    const job = await finalState(h, jobId, "Succeeded");
    assert.is(job.result, "survived");
    const failed = job.history.find((s) => s.state === "Failed")!;
    assert.is((failed.data as { error: { type: string; message: string } }).error.type, "WorkerDiedError");
    assert.match((failed.data as { error: { message: string } }).error.message, /exited with code 3/);
    assert.is(h.rt.actors().find((a) => a.id === "job-worker-1")!.restarts, 1);
  } finally {
    await h.close();
  }
});

test("an uncaught exception in a worker thread fails the job with that error and the worker comes back", async () => {
  const h = await startRuntime({ workerCount: 1 });
  try {
    const { jobId } = await h.rt.enqueue("throws-uncaught");
    const job = await finalState(h, jobId, "Succeeded");
    const failed = job.history.find((s) => s.state === "Failed")!;
    const err = (failed.data as { error: { type: string; message: string } }).error;
    assert.is(err.type, "WorkerDiedError");
    assert.match(err.message, /TypeError: uncaught in a timer/);
    assert.is(h.rt.actors()[0].state, "running");
  } finally {
    await h.close();
  }
});

test("a job that hangs is stopped at its timeout by terminating its thread, and other workers keep going", async () => {
  const h = await startRuntime({ workerCount: 2 });
  try {
    const { jobId } = await h.rt.enqueue("hangs");
    const { jobId: other } = await h.rt.enqueue("echo", { n: 1 });
    await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === other);
    const job = await finalState(h, jobId, "Succeeded");
    assert.is(job.result, "finished on retry");
    const failed = job.history.find((s) => s.state === "Failed")!;
    const err = (failed.data as { error: { type: string; message: string } }).error;
    assert.is(err.type, "JobTimeoutError");
    assert.match(err.message, /timeout of 300 ms/);
    assert.ok(h.logs.lines().some((l) => /timed out after 300 ms; terminating/.test(l)));
  } finally {
    await h.close();
  }
});

// Deno ignores a worker's resourceLimits, so there the job would take the whole process down.
const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
(isDeno ? test.skip : test)("a job that runs out of memory kills only its own thread and fails", async () => {
  const h = await startRuntime({ workerCount: 1, workerMemoryMb: 48 });
  try {
    const { jobId } = await h.rt.enqueue("eats-memory");
    const job = await finalState(h, jobId, "Failed");
    assert.is(job.error!.type, "WorkerDiedError");
    assert.match(job.error!.message, /ERR_WORKER_OUT_OF_MEMORY|out of memory/i);
    const after = await h.rt.enqueue("echo", { ok: true });
    await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === after.jobId);
  } finally {
    await h.close();
  }
});

test("deleting a running job aborts it through its signal and its late outcome is ignored", async () => {
  const h = await startRuntime({ workerCount: 1 });
  try {
    const processing = h.rt.events.waitFor("job:processing");
    const { jobId } = await h.rt.enqueue("abortable");
    await processing;
    await h.rt.delete(jobId, "Deleted by a test");
    const next = await h.rt.enqueue("echo", { after: "abort" });
    await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === next.jobId);
    await h.rt.settle();
    const job = (await h.rt.getJob(jobId))!;
    assert.is(job.state, "Deleted");
    assert.is(job.history.at(-1)!.state, "Deleted");
  } finally {
    await h.close();
  }
});

test("a job that reads its signal only after it was deleted finds it aborted, with the reason", async () => {
  const h = await startRuntime({ workerCount: 1 });
  try {
    const started = h.rt.events.waitFor("job:log", (e) => e.message === "started");
    const { jobId } = await h.rt.enqueue("reads-signal-late");
    await started;
    const verdict = h.rt.events.waitFor("job:log", (e) => e.jobId === jobId && e.message.startsWith("aborted="));
    await h.rt.delete(jobId, "Deleted by a test");
    const { message } = await verdict;
    assert.match(message, /^aborted=true reason=.*Deleted by a test/);
  } finally {
    await h.close();
  }
});

/** A ledger whose next claim fails at its commit, after its jobs were handed to workers. */
function failingClaims() {
  const fault = { armed: false, handedOff: [] as string[] };
  const wrapLedger = (real: SqliteLedger) =>
    new Proxy(real, {
      get(target, key) {
        if (key === "write") {
          return (batch: WriteBatch) => {
            const claim = batch.claim;
            if (!fault.armed || !claim) return target.write(batch);
            // The hand-off runs inside the claim's transaction: throwing there fails the commit
            // after the jobs went to their workers, as a disk error at COMMIT would.
            const handOff = (jobs: ClaimedJob[]) => {
              claim.handOff?.(jobs);
              fault.handedOff.push(...jobs.map((j) => j.id));
              fault.armed = false;
              throw new Error("disk I/O error (injected after the hand-off)");
            };
            return target.write({ ...batch, claim: { ...claim, handOff } });
          };
        }
        const value = Reflect.get(target, key) as unknown;
        return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  return { fault, wrapLedger };
}

/** Enough short jobs that the pool pipelines (several jobs per mailbox). */
async function warmUp(h: Harness) {
  for (let i = 0; i < 20; i++) {
    const { jobId } = await h.rt.enqueue("echo", { i });
    await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === jobId);
  }
}

const lines = (file: string) => readFileSync(file, "utf8").trim().split("\n");

test("a claim whose commit fails after its job went to a worker is withdrawn: the run is aborted, its reports ignored, and the job runs once the ledger recovers", async () => {
  const { fault, wrapLedger } = failingClaims();
  const h = await startRuntime({ workerCount: 1, wrapLedger });
  try {
    const file = join(h.dir, "runs.txt");
    h.rt.pause();
    const { jobId } = await h.rt.enqueue("records-run", { file, ms: 200 });
    const reported: string[] = [];
    h.rt.events.on("job:processing", (e) => reported.push(e.jobId));
    fault.armed = true;
    const succeeded = h.rt.events.waitFor("job:succeeded", (e) => e.jobId === jobId, 10_000);
    h.rt.resume();
    await succeeded;
    await h.rt.settle();
    assert.equal(fault.handedOff, [jobId], "the failed claim had handed it off");
    assert.equal(lines(file), ["start attempt=1", "end aborted=true", "start attempt=1", "end aborted=false"], "the withdrawn run was aborted; the committed one was not");
    assert.equal(reported, [jobId], "reported as started once: by the claim that committed");
    const job = (await h.rt.getJob(jobId))!;
    assert.is(job.state, "Succeeded");
    assert.is(job.attempt, 1, "the failed claim never happened");
    assert.equal(
      job.history.map((s) => s.state),
      ["Enqueued", "Processing", "Succeeded"],
    );
    assert.equal(
      job.logs.map((l) => l.message),
      ["run"],
      "the withdrawn run's log line is not the job's",
    );
  } finally {
    await h.close();
  }
});

test("a withdrawn job still waiting in its worker's mailbox never starts", async () => {
  const { fault, wrapLedger } = failingClaims();
  const h = await startRuntime({ workerCount: 1, wrapLedger });
  try {
    await warmUp(h);
    const first = join(h.dir, "first.txt");
    const second = join(h.dir, "second.txt");
    h.rt.pause();
    const a = (await h.rt.enqueue("records-run", { file: first, ms: 50 })).jobId; // under MAILBOX_STALL_MS: no take-back
    const b = (await h.rt.enqueue("records-run", { file: second, ms: 0 })).jobId;
    fault.armed = true;
    const done = Promise.all([a, b].map((id) => h.rt.events.waitFor("job:succeeded", (e) => e.jobId === id, 10_000)));
    h.rt.resume();
    await done;
    await h.rt.settle();
    assert.equal(fault.handedOff, [a, b], "both went to the mailbox in the failed claim");
    assert.equal(lines(first), ["start attempt=1", "end aborted=true", "start attempt=1", "end aborted=false"]);
    assert.equal(lines(second), ["start attempt=1", "end aborted=false"], "the queued one ran only for the claim that committed");
  } finally {
    await h.close();
  }
});

for (const [kind, type, args] of [
  ["an async", "sleeps", { ms: 20 }],
  ["a synchronous", "echo", { n: 1 }],
] as const) {
  test(`a job that hangs behind ${kind} one that finished in the same mailbox is stopped at its own timeout, and the finished one is not run again`, async () => {
    const h = await startRuntime({ workerCount: 1 });
    try {
      await warmUp(h);
      h.rt.pause();
      const before = (await h.rt.enqueue(type, args)).jobId; // the default 60 s timeout
      const hung = (await h.rt.enqueue("hangs")).jobId; // 300 ms
      const done = h.rt.events.waitFor("job:succeeded", (e) => e.jobId === hung, 5_000);
      h.rt.resume();
      await done;
      await h.rt.settle();
      const job = (await h.rt.getJob(hung))!;
      assert.is(job.result, "finished on retry");
      assert.is(job.attempt, 2);
      const first = (await h.rt.getJob(before))!;
      assert.equal(
        first.history.map((s) => s.state),
        ["Enqueued", "Processing", "Succeeded"],
        "its outcome was reported before the hang",
      );
    } finally {
      await h.close();
    }
  });
}

for (const [kind, type] of [
  ["an async", "sleeps"],
  ["a synchronous", "spins"],
] as const) {
  test(`jobs waiting behind ${kind} job that runs long in their mailbox are taken back and run once, on another thread`, async () => {
    const h = await startRuntime({ workerCount: 2 });
    try {
      await warmUp(h); // short jobs: mailboxes take several at once
      h.rt.pause();
      const long = (await h.rt.enqueue(type, { ms: 1_500 })).jobId;
      const files = Array.from({ length: 6 }, (_, i) => join(h.dir, `waiting-${i}.txt`));
      const waiting: string[] = [];
      for (const file of files) waiting.push((await h.rt.enqueue("records-run", { file, ms: 0 })).jobId);
      const order: string[] = [];
      h.rt.events.on("job:succeeded", (e) => order.push(e.jobId));
      const longDone = h.rt.events.waitFor("job:succeeded", (e) => e.jobId === long, 10_000);
      h.rt.resume();
      await longDone;
      await h.rt.settle();
      assert.equal(order.at(-1), long, "every waiting job finished before the long one");
      assert.equal(new Set(order).size, waiting.length + 1);
      const takenBack: string[] = [];
      for (const [i, id] of waiting.entries()) {
        assert.equal(lines(files[i]), ["start attempt=1", "end aborted=false"], `job ${id} ran once`);
        const job = (await h.rt.getJob(id))!;
        assert.is(job.state, "Succeeded");
        assert.is(job.attempt, 1, "an attempt it never started is given back");
        if (job.history.some((r) => r.state === "Enqueued" && /waited behind a job that ran long/.test(r.reason ?? ""))) takenBack.push(id);
      }
      assert.ok(takenBack.length >= 2, `jobs behind the long one were taken back (${takenBack.length})`);
      assert.ok(h.logs.lines().some((l) => new RegExp(`Job ${long} \\(${type}\\) has run 100 ms on .*; \\d+ job\\(s\\) waiting behind it requeued`).test(l)));
      const after = (await h.rt.getJob(long))!;
      assert.equal(after.history.map((r) => r.state), ["Enqueued", "Processing", "Succeeded"], "the long job itself is left alone");
    } finally {
      await h.close();
    }
  });
}

test("a thread whose job has run 100 ms is given no more jobs, so none has to be taken back", async () => {
  const h = await startRuntime({ workerCount: 2 });
  try {
    await warmUp(h);
    const long = (await h.rt.enqueue("long-with-progress", { ms: 2_000 })).jobId;
    await h.rt.events.waitFor("job:progress", (e) => e.jobId === long, 5_000); // after 200 ms
    h.rt.pause();
    const short: string[] = [];
    for (let i = 0; i < 20; i++) short.push((await h.rt.enqueue("echo", { i })).jobId);
    const done = Promise.all(short.map((id) => h.rt.events.waitFor("job:succeeded", (e) => e.jobId === id, 10_000)));
    h.rt.resume();
    await done;
    await h.rt.settle();
    for (const id of short) {
      const job = (await h.rt.getJob(id))!;
      assert.equal(job.history.map((r) => r.state), ["Enqueued", "Processing", "Succeeded"], `job ${id} went straight to the free thread`);
    }
  } finally {
    await h.close();
  }
});

test("a long job right behind an unreported one of its type does not make the watchdog spin", async () => {
  let timers = 0;
  const clock: Clock = { ...systemClock, setTimeout: (fn, ms) => (timers++, systemClock.setTimeout(fn, ms)) };
  const h = await startRuntime({ workerCount: 1, clock });
  try {
    await warmUp(h);
    h.rt.pause();
    await h.rt.enqueue("spins", { ms: 0 }); // its outcome waits in the worker's batch...
    const long = (await h.rt.enqueue("spins", { ms: 600 })).jobId; // ...while this one runs
    const done = h.rt.events.waitFor("job:succeeded", (e) => e.jobId === long, 10_000);
    timers = 0;
    h.rt.resume();
    await done;
    // A watchdog re-armed for a stall deadline already past fired about once a millisecond.
    assert.ok(timers < 100, `${timers} timers in 600 ms`);
  } finally {
    await h.close();
  }
});

test("a job that hangs with others behind it in its mailbox lets them run at once, and is still stopped at its timeout", async () => {
  const h = await startRuntime({ workerCount: 2 });
  try {
    await warmUp(h);
    h.rt.pause();
    const hung = (await h.rt.enqueue("hangs")).jobId; // 300 ms timeout, succeeds on retry
    const others: string[] = [];
    for (let i = 0; i < 6; i++) others.push((await h.rt.enqueue("echo", { i })).jobId);
    let timedOut = false;
    h.rt.events.on("job:failed", (e) => void (e.jobId === hung && (timedOut = true)));
    const done = Promise.all(others.map((id) => h.rt.events.waitFor("job:succeeded", (e) => e.jobId === id, 10_000)));
    h.rt.resume();
    await done;
    assert.not.ok(timedOut, "the others finished before the hung job timed out");
    await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === hung, 10_000);
    await h.rt.settle();
    const job = (await h.rt.getJob(hung))!;
    assert.is(job.result, "finished on retry");
    assert.is(job.history.find((r) => r.state === "Failed")?.reason, "An exception occurred during performance of the job: JobTimeoutError");
    for (const id of others) assert.equal(((await h.rt.getJob(id))!.result as { attempt: number }).attempt, 1);
  } finally {
    await h.close();
  }
});

test("jobs that returned nothing right before one of their type hung in the same mailbox are recorded Succeeded, not run again", async () => {
  const h = await startRuntime({ workerCount: 1 });
  try {
    await warmUp(h);
    h.rt.pause();
    const files = [0, 1, 2].map((i) => join(h.dir, `quiet-${i}.txt`));
    const quiet: string[] = [];
    for (const file of files) quiet.push((await h.rt.enqueue("quiet-run", { file })).jobId);
    // Same type, right behind them: the worker has not sent their outcomes when it hangs.
    const hung = (await h.rt.enqueue("quiet-run", { file: join(h.dir, "hung.txt"), hang: true })).jobId;
    const done = h.rt.events.waitFor("job:succeeded", (e) => e.jobId === hung, 10_000);
    h.rt.resume();
    await done;
    await h.rt.settle();
    for (const [i, id] of quiet.entries()) {
      assert.equal(lines(files[i]), ["run attempt=1"], `job ${id} ran once`);
      const job = (await h.rt.getJob(id))!;
      assert.equal(job.history.map((r) => r.state), ["Enqueued", "Processing", "Succeeded"]);
      assert.ok(job.durationMs !== null && job.durationMs >= 0);
    }
    assert.equal(lines(join(h.dir, "hung.txt")), ["run attempt=1", "run attempt=2"]);
    assert.is((await h.rt.getJob(hung))!.history.find((r) => r.state === "Failed")?.reason, "An exception occurred during performance of the job: JobTimeoutError");
  } finally {
    await h.close();
  }
});

test("a lone job withdrawn with its failed enqueue reports nothing into the job that gets its id next, even after it returned", async () => {
  const { fault, wrapLedger } = failingClaims();
  const h = await startRuntime({ workerCount: 1, wrapLedger });
  try {
    const warm = await h.rt.enqueue("echo");
    await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === warm.jobId);
    await h.rt.settle();
    fault.armed = true;
    const err = await h.rt.enqueue("reports-after-return").then(
      () => null,
      (e: Error) => e,
    );
    assert.match(err?.message ?? "", /disk I\/O error/, "the caller hears the enqueue failed");
    const next = await h.rt.enqueue("echo", { n: 2 });
    assert.equal([next.jobId], fault.handedOff, "SQLite gives the rolled-back id to the next job");
    await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === next.jobId, 5_000);
    await new Promise((r) => setTimeout(r, 150)); // past the withdrawn run's late report
    await h.rt.settle();
    const job = (await h.rt.getJob(next.jobId))!;
    assert.equal(job.result, { args: { n: 2 }, attempt: 1 });
    assert.equal(job.logs, [], "no log line of the withdrawn run, during it or after it returned");
    assert.is(job.progressMessage, null, "no progress of the withdrawn run");
  } finally {
    await h.close();
  }
});

test("progress and log lines reported by a job are stored for its page", async () => {
  const h = await startRuntime();
  try {
    const seen: number[] = [];
    h.rt.events.on("job:progress", (e) => seen.push(e.percent));
    const { jobId } = await h.rt.enqueue("long-with-progress", { ms: 200 });
    const job = await finalState(h, jobId, "Succeeded");
    assert.is(job.progress, 100);
    assert.is(job.progressMessage, "step 10 of 10");
    assert.is(job.logs.length, 10);
    assert.is(job.logs[0].message, "finished step 1");
    assert.equal(seen.slice(0, 3), [10, 20, 30]);
  } finally {
    await h.close();
  }
});

test("a job running for many lease periods keeps its lease and is never started twice", async () => {
  const h = await startRuntime({ workerCount: 2, leaseTtlMs: 300 });
  try {
    let recovered = 0;
    h.rt.events.on("lease:recovered", () => recovered++);
    const { jobId } = await h.rt.enqueue("long-with-progress", { ms: 1500 });
    const job = await finalState(h, jobId, "Succeeded");
    assert.is(job.attempt, 1);
    assert.is(job.history.filter((s) => s.state === "Processing").length, 1);
    assert.is(recovered, 0);
  } finally {
    await h.close();
  }
});

test("a job reporting progress with a non-string message neither fails nor blocks the ledger", async () => {
  const h = await startRuntime();
  try {
    const { jobId } = await h.rt.enqueue("odd-progress");
    const job = await finalState(h, jobId, "Succeeded");
    assert.is(job.result, "done");
    const next = await h.rt.enqueue("echo", { after: "odd-progress" });
    await finalState(h, next.jobId, "Succeeded");
  } finally {
    await h.close();
  }
});

test("a graceful stop lets a running job finish within the grace period", async () => {
  const h = await startRuntime({ workerCount: 1 });
  const processing = h.rt.events.waitFor("job:processing");
  const { jobId } = await h.rt.enqueue("sleeps", { ms: 300 });
  await processing;
  await h.rt.stop(5_000);
  const job = (await h.ledger.getJob(jobId))!;
  assert.is(job.state, "Succeeded");
  await h.close();
});

test("a graceful stop requeues a job still running when the grace period ends", async () => {
  const h = await startRuntime({ workerCount: 1 });
  const processing = h.rt.events.waitFor("job:processing");
  const { jobId } = await h.rt.enqueue("sleeps", { ms: 5_000 });
  await processing;
  await h.rt.stop(200);
  const job = (await h.ledger.getJob(jobId))!;
  assert.is(job.state, "Enqueued");
  assert.is(job.attempt, 0, "the interrupted attempt is given back");
  assert.match(job.reason!, /shutting down/);
  await h.close();
});

test("a job worker that can never start fails start-up with the reason instead of waiting forever", async () => {
  const dir = tempDir();
  const ledger = await SqliteLedger.open({ path: join(dir.path, "ledger.db"), clock: systemClock, retentionMs: 86_400_000 });
  try {
    const started = Runtime.start({
      ledger,
      clock: systemClock,
      logger: createLogger({ category: "test", level: "error", sink: () => undefined }),
      workerCount: 1,
      leaseTtlMs: 2_000,
      defaultJobTimeoutMs: 60_000,
      jobModules: [TEST_JOBS, pathToFileURL(join(import.meta.dirname, "../../fixtures/worker-broken-jobs.ts")).href],
      entryUrl: JOB_WORKER_ENTRY(),
      restartPolicy: { initialDelayMs: 5, maxDelayMs: 10, maxRestarts: 2, windowMs: 60_000 },
    });
    const err = await started.then(() => null, (e: Error) => e);
    assert.ok(err, "start-up failed");
    assert.match(err!.message, /job-worker-1 could not start/);
    assert.match(err!.message, /cannot load in a worker thread/);
    assert.is((await ledger.listServers()).length, 0, "the failed server deregistered");
  } finally {
    await ledger.close();
    dir.remove();
  }
});

test.run();
