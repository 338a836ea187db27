// One suite every Ledger implementation must pass (bullmq's adapter-conformance idea). Each
// *.test.ts calls ledgerConformance with a way to open a fresh, empty ledger; nothing here knows
// which implementation it is testing. "now" is always the harness clock's reading, passed in, as
// the Ledger interface asks: no test depends on the database's own clock.
//
// The harness contract:
// - open() gives an empty ledger, migrated, whose retention for Succeeded/Deleted jobs is
//   CONFORMANCE_RETENTION_MS (Hangfire's one day), and the VirtualClock it was opened with;
// - close() closes it and removes whatever it created.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { VirtualClock } from "../../src/actors/runtime/virtual-clock.ts";
import {
  JOB_STATES,
  type JobState,
  type Ledger,
  type NewJob,
  type RecurringDefinition,
  type ServerInfo,
  type Transition,
} from "../../src/ledger/ledger.ts";
import { dayKey, hourKey, secondKey, totalKey } from "../../src/ledger/stat-counters.ts";

export const CONFORMANCE_RETENTION_MS = 86_400_000;

export interface LedgerHarness {
  ledger: Ledger;
  clock: VirtualClock;
  close(): Promise<void>;
}

type Ctx = { h: LedgerHarness; ledger: Ledger; clock: VirtualClock };

const SEC = 1000;

function enqueued(over: Partial<NewJob> = {}): NewJob {
  return { type: "test-job", args: { n: 1 }, state: "Enqueued", reason: "Enqueued by a test", maxRetries: 10, ...over };
}

function scheduled(enqueueAt: number, over: Partial<NewJob> = {}): NewJob {
  return enqueued({ state: "Scheduled", enqueueAt, reason: "Scheduled by a test", ...over });
}

const recurringDef = (over: Partial<RecurringDefinition> = {}): RecurringDefinition => ({
  id: "daily-analytics",
  name: "Daily Analytics Generation",
  type: "daily-analytics",
  args: null,
  cron: "0 2 * * *",
  timeZone: "UTC",
  misfire: "relaxed",
  ...over,
});

/** The error the call ended with (thrown or rejected: both count here). */
async function rejection(call: () => Promise<unknown>): Promise<Error> {
  try {
    await call();
  } catch (err) {
    return err as Error;
  }
  assert.unreachable("expected the call to reject, and it resolved");
  throw new Error("unreachable");
}

/** Writes jobs and returns their ids. */
async function add(ledger: Ledger, now: number, ...jobs: NewJob[]): Promise<string[]> {
  const r = await ledger.write({ now, jobs });
  return r.jobs.map((j) => j.id);
}

/** Claims up to `slots.length` jobs for `serverId`. */
async function claim(ledger: Ledger, now: number, serverId: string, slots: string[], leaseUntil = now + 30 * SEC) {
  return (await ledger.write({ now, claim: { serverId, slots, leaseUntil } })).claimed;
}

/** One job, claimed by server s1 a second after it was added; `at`: a second later still. */
async function claimedOne(ledger: Ledger, clock: VirtualClock) {
  const now = clock.now();
  const [id] = await add(ledger, now, enqueued());
  const [c] = await claim(ledger, now + SEC, "s1", ["w1"]);
  return { id, fence: { serverId: "s1", attempt: c.attempt }, at: now + 2 * SEC };
}

async function transition(ledger: Ledger, t: Transition): Promise<boolean> {
  return (await ledger.write({ now: t.at, transitions: [t] })).applied[0];
}

/** Counts per state as the jobs themselves say (not the maintained counts). */
async function countedByListing(ledger: Ledger): Promise<Record<JobState, number>> {
  const out = {} as Record<JobState, number>;
  for (const s of JOB_STATES) out[s] = (await ledger.listJobs({ state: s, limit: 10_000 })).length;
  return out;
}

export function ledgerConformance(name: string, open: () => Promise<LedgerHarness>): void {
  const test = suite<Ctx>(`${name} ledger conformance`);
  test.before.each(async (ctx) => {
    ctx.h = await open();
    ctx.ledger = ctx.h.ledger;
    ctx.clock = ctx.h.clock;
  });
  test.after.each(async (ctx) => {
    await ctx.h.close();
  });

  // ---------------------------------------------------------------- creating jobs

  test("write inserts an Enqueued job with its first history row", async ({ ledger, clock }) => {
    const now = clock.now();
    const r = await ledger.write({ now, jobs: [enqueued({ args: { sku: "A-1" }, maxRetries: 3, queue: "critical" })] });
    assert.equal(r.jobs.length, 1);
    assert.ok(r.jobs[0].created);
    assert.equal(r.applied, []);
    assert.equal(r.claimed, []);
    const job = (await ledger.getJob(r.jobs[0].id))!;
    assert.ok(job, "the job can be read back by the id write returned");
    assert.is(job.id, r.jobs[0].id);
    assert.is(job.state, "Enqueued");
    assert.is(job.type, "test-job");
    assert.is(job.queue, "critical");
    assert.equal(job.args, { sku: "A-1" });
    assert.is(job.attempt, 0);
    assert.is(job.maxRetries, 3);
    assert.is(job.createdAt, now);
    assert.is(job.enqueueAt, null);
    assert.is(job.expiresAt, null);
    assert.is(job.reason, "Enqueued by a test");
    assert.equal(
      job.history.map((h) => [h.state, h.reason, h.at]),
      [["Enqueued", "Enqueued by a test", now]],
    );
  });

  test("write inserts a Scheduled job that keeps its enqueueAt", async ({ ledger, clock }) => {
    const now = clock.now();
    const [id] = await add(ledger, now, scheduled(now + 60 * SEC));
    const job = (await ledger.getJob(id))!;
    assert.is(job.state, "Scheduled");
    assert.is(job.enqueueAt, now + 60 * SEC);
    assert.is(job.history.length, 1);
    assert.is(job.history[0].state, "Scheduled");
    assert.is(job.history[0].at, now);
    assert.is(await ledger.nextScheduledAt(), now + 60 * SEC);
  });

  test("a job without a queue goes to the default queue", async ({ ledger, clock }) => {
    const [id] = await add(ledger, clock.now(), enqueued());
    assert.is((await ledger.getJob(id))!.queue, "default");
  });

  test("a second job with the same unique key returns the existing id with created:false", async ({ ledger, clock }) => {
    const now = clock.now();
    const first = await ledger.write({ now, jobs: [enqueued({ uniqueKey: "k-1" })] });
    const again = await ledger.write({ now: now + SEC, jobs: [enqueued({ uniqueKey: "k-1", args: { other: true } }), enqueued({ uniqueKey: "k-2" })] });
    assert.equal(again.jobs[0], { id: first.jobs[0].id, created: false });
    assert.ok(again.jobs[1].created, "another key is another job");
    const sameBatch = await ledger.write({ now, jobs: [enqueued({ uniqueKey: "k-3" }), enqueued({ uniqueKey: "k-3" })] });
    assert.equal(sameBatch.jobs[1], { id: sameBatch.jobs[0].id, created: false }, "a repeat within one batch too");
    assert.equal((await ledger.getJob(first.jobs[0].id))!.args, { n: 1 }, "the existing job is left as it was");
    assert.is((await ledger.countByState()).Enqueued, 3);
  });

  test("jobs without a unique key are never merged", async ({ ledger, clock }) => {
    const ids = await add(ledger, clock.now(), enqueued(), enqueued());
    assert.is.not(ids[0], ids[1]);
  });

  test("a batch that fails part-way commits nothing", async ({ ledger, clock }) => {
    const now = clock.now();
    const bad = { ...enqueued(), type: null } as unknown as NewJob; // violates NOT NULL
    await rejection(() => ledger.write({ now, jobs: [enqueued({ uniqueKey: "before-the-bad-one" }), bad] }));
    assert.equal(await ledger.listJobs({ limit: 10 }), []);
    assert.is((await ledger.countByState()).Enqueued, 0);
    const retry = await ledger.write({ now, jobs: [enqueued({ uniqueKey: "before-the-bad-one" })] });
    assert.ok(retry.jobs[0].created, "the rolled-back unique key is free");
  });

  test("getJob of an unknown or malformed id is null", async ({ ledger }) => {
    assert.is(await ledger.getJob("999999"), null);
    assert.is(await ledger.getJob("not-an-id"), null);
  });

  // ---------------------------------------------------------------- claiming

  test("claim takes the oldest Enqueued jobs first, one per slot", async ({ ledger, clock }) => {
    const now = clock.now();
    const [a, b, c] = await add(ledger, now, enqueued(), enqueued(), enqueued());
    const [s] = await add(ledger, now, scheduled(now - SEC)); // due, but not Enqueued yet
    await clock.advance(5 * SEC);
    const at = clock.now();
    const claimed = await claim(ledger, at, "server-1", ["w1", "w2"], at + 30 * SEC);
    assert.equal(
      claimed.map((j) => [j.id, j.workerId, j.attempt]),
      [
        [a, "w1", 1],
        [b, "w2", 1],
      ],
    );
    assert.is(claimed[0].type, "test-job");
    assert.equal(claimed[0].args, { n: 1 });
    assert.is(claimed[0].maxRetries, 10);
    assert.is(claimed[0].createdAt, now);
    assert.is(claimed[0].recurringId, null);
    assert.is(claimed[0].scheduledFor, null);

    const job = (await ledger.getJob(a))!;
    assert.is(job.state, "Processing");
    assert.is(job.attempt, 1);
    assert.is(job.serverId, "server-1");
    assert.is(job.workerId, "w1");
    assert.is(job.leaseUntil, at + 30 * SEC);
    assert.is(job.startedAt, at);
    assert.is(job.latencyMs, 5 * SEC, "latency runs from creation to start");
    assert.equal(job.history.at(-1)!.state, "Processing");
    assert.is(job.history.at(-1)!.at, at);
    assert.is(job.history.length, 2);

    assert.is((await ledger.getJob(c))!.state, "Enqueued");
    assert.is((await ledger.getJob(s))!.state, "Scheduled");
    const rest = await claim(ledger, at, "server-2", ["x1", "x2", "x3"]);
    assert.equal(
      rest.map((j) => j.id),
      [c],
      "more slots than jobs: only what is there",
    );
    assert.equal(await claim(ledger, at, "server-2", ["x1"]), [], "nothing left to claim");
  });

  test("claim with queues takes only jobs of those queues", async ({ ledger, clock }) => {
    const now = clock.now();
    const [, critical] = await add(ledger, now, enqueued(), enqueued({ queue: "critical" }));
    const claimed = (await ledger.write({ now, claim: { serverId: "s", slots: ["w1", "w2"], leaseUntil: now + SEC, queues: ["critical"] } })).claimed;
    assert.equal(
      claimed.map((j) => j.id),
      [critical],
    );
  });

  test("claim carries the recurring id and scheduled instant of a tick's job", async ({ ledger, clock }) => {
    const now = clock.now();
    await add(ledger, now, enqueued({ recurringId: "cleanup", scheduledFor: now - 5 * SEC, uniqueKey: `recurring:cleanup:${now - 5 * SEC}` }));
    const [job] = await claim(ledger, now, "s", ["w"]);
    assert.is(job.recurringId, "cleanup");
    assert.is(job.scheduledFor, now - 5 * SEC);
  });

  test("claimNew claims the batch's own new jobs as they are inserted, then older ones for the slots left", async ({ ledger, clock }) => {
    const now = clock.now();
    const [older] = await add(ledger, now, enqueued({ args: { n: "older" } }));
    await clock.advance(SEC);
    const at = clock.now();
    const handedOff: string[] = [];
    const r = await ledger.write({
      now: at,
      jobs: [enqueued({ args: { n: "new" } }), scheduled(at + 60 * SEC)],
      claim: { serverId: "s1", slots: ["w1", "w2", "w3"], leaseUntil: at + 30 * SEC, claimNew: true, handOff: (jobs) => void handedOff.push(...jobs.map((j) => j.id)) },
    });
    const [fresh, later] = r.jobs.map((j) => j.id);
    assert.equal(
      r.claimed.map((j) => [j.id, j.workerId, j.attempt, j.args]),
      [
        [fresh, "w1", 1, { n: "new" }],
        [older, "w2", 1, { n: "older" }],
      ],
      "the new job first, then the older one; the Scheduled one is not claimable",
    );
    assert.equal(
      handedOff,
      r.claimed.map((j) => j.id),
      "every claimed job handed off once",
    );
    const job = (await ledger.getJob(fresh))!;
    assert.is(job.state, "Processing");
    assert.is(job.serverId, "s1");
    assert.is(job.workerId, "w1");
    assert.is(job.leaseUntil, at + 30 * SEC);
    assert.is(job.startedAt, at);
    assert.is(job.latencyMs, 0);
    assert.equal(
      job.history.map((h) => [h.state, h.at]),
      [
        ["Enqueued", at],
        ["Processing", at],
      ],
    );
    assert.is((await ledger.getJob(later))!.state, "Scheduled");
    assert.equal(await ledger.countByState(), await countedByListing(ledger));
    assert.ok(
      await transition(ledger, { jobId: fresh, from: ["Processing"], fence: { serverId: "s1", attempt: 1 }, to: "Succeeded", reason: null, at: at + 5 }),
      "a job claimed as it was inserted completes like any other",
    );
  });

  test("without claimNew the oldest job is claimed, even in a batch that creates one", async ({ ledger, clock }) => {
    const now = clock.now();
    const [older] = await add(ledger, now, enqueued());
    const r = await ledger.write({ now: now + SEC, jobs: [enqueued()], claim: { serverId: "s", slots: ["w1"], leaseUntil: now + 30 * SEC } });
    assert.equal(
      r.claimed.map((j) => j.id),
      [older],
    );
    assert.is((await ledger.getJob(r.jobs[0].id))!.state, "Enqueued");
  });

  test("claimNew leaves a job of another queue, and a duplicate of a unique key, to the ordinary claim", async ({ ledger, clock }) => {
    const now = clock.now();
    const [existing] = await add(ledger, now, enqueued({ uniqueKey: "tick-1", queue: "critical" }));
    const r = await ledger.write({
      now: now + SEC,
      jobs: [enqueued({ queue: "reports" }), enqueued({ uniqueKey: "tick-1", queue: "critical" })],
      claim: { serverId: "s", slots: ["w1", "w2"], leaseUntil: now + 30 * SEC, queues: ["critical"], claimNew: true },
    });
    assert.equal(
      r.jobs.map((j) => j.created),
      [true, false],
    );
    assert.equal(
      r.claimed.map((j) => j.id),
      [existing],
      "the reports job is not this claim's queue; the duplicate is the existing job, claimed once",
    );
    assert.is((await ledger.getJob(r.jobs[0].id))!.state, "Enqueued");
  });

  test("handOff receives the claimed jobs before write resolves", async ({ ledger, clock }) => {
    const now = clock.now();
    await add(ledger, now, enqueued(), enqueued());
    const seen: string[][] = [];
    let resolved = false;
    const written = ledger
      .write({ now, claim: { serverId: "s", slots: ["w1", "w2"], leaseUntil: now + SEC, handOff: (jobs) => void seen.push(jobs.map((j) => `${j.id}@${j.workerId}:${String(resolved)}`)) } })
      .then((r) => {
        resolved = true;
        return r;
      });
    const r = await written;
    assert.equal(seen.flat(), r.claimed.map((j) => `${j.id}@${j.workerId}:false`), "each claimed job once, before write resolved");
    const none: string[][] = [];
    await ledger.write({ now, claim: { serverId: "s", slots: ["w1"], leaseUntil: now + SEC, handOff: (jobs) => void none.push(jobs.map((j) => j.id)) } });
    assert.equal(none, [], "not called when nothing was claimed");
  });

  test("claimed jobs that succeeded before the commit, returning nothing, are each written Succeeded with their own duration", async ({ ledger, clock }) => {
    const now = clock.now();
    const ids = await add(ledger, now, enqueued(), enqueued(), enqueued(), enqueued());
    await clock.advance(SEC);
    const at = clock.now();
    const durations = [0.25, 1.5, 0.125, 3];
    const r = await ledger.write({
      now: at,
      claim: {
        serverId: "s1",
        slots: ["w1", "w2", "w1", "w2"],
        leaseUntil: at + 30 * SEC,
        // Two finish instants, two workers: rows of one worker and instant may share a write.
        collectSuccesses: (jobs) => new Map(jobs.map((j, i) => [j.id, { result: i === 3 ? null : undefined, durationMs: durations[i], at: at + (i < 2 ? 2 : 3) }])),
      },
    });
    assert.equal([...r.completed!].sort(), [...ids].sort());
    for (const [i, id] of ids.entries()) {
      const job = (await ledger.getJob(id))!;
      assert.is(job.state, "Succeeded");
      assert.is(job.durationMs, durations[i], `job ${i}'s own duration`);
      assert.is(job.workerId, ["w1", "w2", "w1", "w2"][i]);
      assert.is(job.finishedAt, at + (i < 2 ? 2 : 3));
      assert.is(job.startedAt, at);
      assert.is(job.latencyMs, SEC);
      assert.is(job.result, null);
      assert.is(job.progress, 100);
      assert.is(job.expiresAt, at + (i < 2 ? 2 : 3) + 86_400_000);
      assert.equal(job.history.map((h) => h.state), ["Enqueued", "Processing", "Succeeded"]);
    }
    assert.is((await ledger.countByState()).Succeeded, 4);
  });

  test("a claimed job that succeeded before the commit is written Succeeded in it, with all three records", async ({ ledger, clock }) => {
    const now = clock.now();
    const [a, b] = await add(ledger, now, enqueued(), enqueued());
    await clock.advance(SEC);
    const at = clock.now();
    const asked: string[] = [];
    const r = await ledger.write({
      now: at,
      claim: {
        serverId: "s1",
        slots: ["w1", "w2"],
        leaseUntil: at + 30 * SEC,
        collectSuccesses: (jobs) => {
          asked.push(...jobs.map((j) => j.id));
          return new Map([[a, { result: { rows: 3 }, durationMs: 2.5, at: at + 4, progress: { percent: 100, message: "all done" } }]]);
        },
      },
    });
    assert.equal(asked, [a, b], "asked about every job the queue search claimed");
    assert.equal(
      r.claimed.map((j) => j.id),
      [a, b],
    );
    assert.equal(r.completed, [a]);
    const done = (await ledger.getJob(a))!;
    assert.is(done.state, "Succeeded");
    assert.is(done.attempt, 1);
    assert.equal(done.result, { rows: 3 });
    assert.is(done.durationMs, 2.5);
    assert.is(done.latencyMs, SEC);
    assert.is(done.progress, 100);
    assert.is(done.progressMessage, "all done");
    assert.is(done.expiresAt, at + 4 + CONFORMANCE_RETENTION_MS);
    assert.equal(
      done.history.map((h) => [h.state, h.at]),
      [
        ["Enqueued", now],
        ["Processing", at],
        ["Succeeded", at + 4],
      ],
    );
    assert.equal(done.history[1].data, { serverId: "s1", workerId: "w1" });
    assert.is((await ledger.getJob(b))!.state, "Processing", "the one still running is claimed as usual");
    assert.equal(await ledger.countByState(), await countedByListing(ledger));
    assert.is((await ledger.readCounters([totalKey("succeeded")]))[totalKey("succeeded")], 1, "counted in the statistics");
  });

  // ---------------------------------------------------------------- transitions

  test("a transition applies only from its expected states", async ({ ledger, clock }) => {
    const now = clock.now();
    const [id] = await add(ledger, now, enqueued());
    const refused = await transition(ledger, { jobId: id, from: ["Processing"], to: "Succeeded", reason: null, at: now + SEC });
    assert.is(refused, false);
    let job = (await ledger.getJob(id))!;
    assert.is(job.state, "Enqueued");
    assert.is(job.history.length, 1, "a refused transition writes no history");
    const ok = await transition(ledger, { jobId: id, from: ["Enqueued", "Scheduled"], to: "Deleted", reason: "Deleted by a test", at: now + 2 * SEC });
    assert.is(ok, true);
    job = (await ledger.getJob(id))!;
    assert.is(job.state, "Deleted");
    assert.is(job.reason, "Deleted by a test");
    assert.is(job.finishedAt, now + 2 * SEC);
    assert.equal(
      job.history.map((h) => h.state),
      ["Enqueued", "Deleted"],
    );
    assert.is(await transition(ledger, { jobId: "999999", from: ["Enqueued"], to: "Deleted", reason: null, at: now }), false, "an unknown job");
  });

  test("one batch reports per transition whether it applied", async ({ ledger, clock }) => {
    const now = clock.now();
    const [a, b] = await add(ledger, now, enqueued(), scheduled(now + SEC));
    const r = await ledger.write({
      now,
      transitions: [
        { jobId: a, from: ["Scheduled"], to: "Enqueued", reason: null, at: now },
        { jobId: b, from: ["Scheduled"], to: "Enqueued", reason: "Enqueued early", at: now },
      ],
    });
    assert.equal(r.applied, [false, true]);
    const job = (await ledger.getJob(b))!;
    assert.is(job.state, "Enqueued");
    assert.is(job.enqueueAt, null);
  });

  test("a completion fenced by an older attempt is ignored after the job was requeued and claimed again", async ({ ledger, clock }) => {
    const now = clock.now();
    const [id] = await add(ledger, now, enqueued());
    const [first] = await claim(ledger, now, "server-a", ["w1"], now + 10 * SEC);
    // server-a goes quiet; its lease lapses and the job is recovered and run by server-b.
    await clock.advance(11 * SEC);
    assert.equal(await ledger.recoverExpired(clock.now(), 100), [id]);
    const [second] = await claim(ledger, clock.now(), "server-b", ["w9"]);
    assert.is(second.attempt, 2);

    const stale = await transition(ledger, {
      jobId: id,
      from: ["Processing"],
      fence: { serverId: "server-a", attempt: first.attempt },
      to: "Succeeded",
      reason: null,
      at: clock.now(),
    });
    assert.is(stale, false, "server-a's late completion must not finish server-b's run");
    assert.is((await ledger.getJob(id))!.state, "Processing");

    const sameServerOldAttempt = await transition(ledger, {
      jobId: id,
      from: ["Processing"],
      fence: { serverId: "server-b", attempt: 1 },
      to: "Failed",
      reason: null,
      at: clock.now(),
    });
    assert.is(sameServerOldAttempt, false, "the attempt is part of the fence");

    const current = await transition(ledger, {
      jobId: id,
      from: ["Processing"],
      fence: { serverId: "server-b", attempt: 2 },
      to: "Succeeded",
      reason: null,
      at: clock.now(),
      result: { ok: true },
      durationMs: 12.5,
    });
    assert.is(current, true);
    const job = (await ledger.getJob(id))!;
    assert.is(job.state, "Succeeded");
    assert.equal(job.result, { ok: true });
    assert.is(job.durationMs, 12.5);
    assert.is(job.leaseUntil, null);
  });

  test("every attempt keeps its own Processing record, through retries, success and deletion", async ({ ledger, clock }) => {
    const now = clock.now();
    const [id] = await add(ledger, now, enqueued());
    const [first] = await claim(ledger, now + SEC, "s1", ["w1"]);
    const failed = {
      jobId: id,
      from: ["Processing"] as const,
      fence: { serverId: "s1", attempt: first.attempt },
      to: "Enqueued" as const,
      reason: "Requeued by a test",
      at: now + 2 * SEC,
    };
    assert.ok(await transition(ledger, failed));
    const [second] = await claim(ledger, now + 3 * SEC, "s2", ["w7"]);
    let job = (await ledger.getJob(id))!;
    assert.equal(
      job.history.map((h) => [h.state, h.at, h.data && (h.data as { serverId?: string }).serverId]),
      [
        ["Enqueued", now, null],
        ["Processing", now + SEC, "s1"],
        ["Enqueued", now + 2 * SEC, null],
        ["Processing", now + 3 * SEC, "s2"],
      ],
      "the running attempt is listed last",
    );
    const done = { jobId: id, from: ["Processing"] as const, fence: { serverId: "s2", attempt: second.attempt }, to: "Succeeded" as const, reason: null, at: now + 4 * SEC, durationMs: 5 };
    assert.ok(await transition(ledger, done));
    job = (await ledger.getJob(id))!;
    assert.equal(
      job.history.map((h) => h.state),
      ["Enqueued", "Processing", "Enqueued", "Processing", "Succeeded"],
    );
    assert.equal(job.history[3].data, { serverId: "s2", workerId: "w7" });
    assert.ok(await transition(ledger, { jobId: id, from: ["Succeeded"], to: "Deleted", reason: "Deleted by a test", at: now + 5 * SEC }));
    job = (await ledger.getJob(id))!;
    assert.equal(
      job.history.map((h) => [h.state, h.at]),
      [
        ["Enqueued", now],
        ["Processing", now + SEC],
        ["Enqueued", now + 2 * SEC],
        ["Processing", now + 3 * SEC],
        ["Succeeded", now + 4 * SEC],
        ["Deleted", now + 5 * SEC],
      ],
      "the succeeded attempt's record stays where it happened after the job moves on",
    );
  });

  test("a job that enters and leaves Succeeded in one batch has each record once", async ({ ledger, clock }) => {
    const now = clock.now();
    const [id] = await add(ledger, now, enqueued());
    await claim(ledger, now + SEC, "s1", ["w1"]);
    const r = await ledger.write({
      now: now + 2 * SEC,
      transitions: [
        { jobId: id, from: ["Processing"], to: "Succeeded", reason: null, at: now + 2 * SEC },
        { jobId: id, from: ["Succeeded"], to: "Deleted", reason: "Deleted by a test", at: now + 2 * SEC },
      ],
    });
    assert.equal(r.applied, [true, true]);
    assert.equal(
      (await ledger.getJob(id))!.history.map((h) => h.state),
      ["Enqueued", "Processing", "Succeeded", "Deleted"],
    );
  });

  test("a fenced success and a later change of the same job in one batch apply in batch order", async ({ ledger, clock }) => {
    const { id, fence, at } = await claimedOne(ledger, clock);
    const r = await ledger.write({
      now: at,
      transitions: [
        { jobId: id, from: ["Processing"], fence, to: "Succeeded", reason: null, at, durationMs: 5 },
        { jobId: id, from: ["Succeeded"], to: "Deleted", reason: "Deleted from the dashboard", at },
      ],
    });
    assert.equal(r.applied, [true, true], "the delete of the Succeeded job follows the success");
    assert.equal((await ledger.getJob(id))!.history.map((h) => h.state), ["Enqueued", "Processing", "Succeeded", "Deleted"]);
    assert.is((await ledger.countByState()).Deleted, 1);
  });

  test("of two completions fenced by the same attempt in one batch, the first wins", async ({ ledger, clock }) => {
    const { id, fence, at } = await claimedOne(ledger, clock);
    const r = await ledger.write({
      now: at,
      transitions: [
        { jobId: id, from: ["Processing"], fence, to: "Succeeded", reason: null, at, durationMs: 5 },
        { jobId: id, from: ["Processing"], fence, to: "Enqueued", reason: "Requeued: taken back", at, releaseAttempt: true },
      ],
    });
    assert.equal(r.applied, [true, false]);
    assert.is((await ledger.getJob(id))!.state, "Succeeded", "a job that succeeded is not queued to run again");
  });

  test("a fenced success keeps its reason, as any other success does", async ({ ledger, clock }) => {
    const { id, fence, at } = await claimedOne(ledger, clock);
    await ledger.write({ now: at, transitions: [{ jobId: id, from: ["Processing"], fence, to: "Succeeded", reason: "Completed by s1", at }] });
    const job = (await ledger.getJob(id))!;
    assert.is(job.reason, "Completed by s1");
    assert.is(job.history.at(-1)!.reason, "Completed by s1");
  });

  test("a transition names a job by the id getJob knows: 1e0, 0x1, 01 or ' 1' change nothing", async ({ ledger, clock }) => {
    const { id, fence, at } = await claimedOne(ledger, clock);
    const aliases = [`${id}e0`, `0x${Number(id).toString(16)}`, `0${id}`, ` ${id}`];
    const r = await ledger.write({
      now: at,
      transitions: aliases.flatMap((jobId) => [
        { jobId, from: ["Processing" as const], to: "Deleted" as const, reason: null, at },
        { jobId, from: ["Processing" as const], fence, to: "Succeeded" as const, reason: null, at },
      ]),
    });
    assert.equal(r.applied, aliases.flatMap(() => [false, false]));
    assert.equal(await Promise.all(aliases.map((a) => ledger.getJob(a))), aliases.map(() => null));
    assert.is((await ledger.getJob(id))!.state, "Processing");
  });

  test("states passed through are recorded in history before the target", async ({ ledger, clock }) => {
    const now = clock.now();
    const [id] = await add(ledger, now, enqueued());
    const [c] = await claim(ledger, now, "s", ["w"]);
    const error = { type: "TypeError", message: "price is undefined", stack: "TypeError: price is undefined\n    at job (job.ts:1:1)" };
    const ok = await transition(ledger, {
      jobId: id,
      from: ["Processing"],
      fence: { serverId: "s", attempt: c.attempt },
      to: "Scheduled",
      reason: "Retry attempt 1 of 10: price is undefined",
      at: now + SEC,
      enqueueAt: now + 16 * SEC,
      error,
      via: [{ state: "Failed", reason: "An exception occurred during performance of the job: TypeError" }],
    });
    assert.ok(ok);
    const job = (await ledger.getJob(id))!;
    assert.equal(
      job.history.map((h) => [h.state, h.reason]),
      [
        ["Enqueued", "Enqueued by a test"],
        ["Processing", null],
        ["Failed", "An exception occurred during performance of the job: TypeError"],
        ["Scheduled", "Retry attempt 1 of 10: price is undefined"],
      ],
    );
    assert.equal((job.history[2].data as { error?: unknown } | null)?.error, error, "the Failed row carries the exception");
    assert.is(job.state, "Scheduled");
    assert.is(job.enqueueAt, now + 16 * SEC);
    assert.equal(job.error, error, "the error stays visible while the retry waits");
    assert.is(job.serverId, null);
    assert.is(job.leaseUntil, null);
    assert.is(await ledger.nextScheduledAt(), now + 16 * SEC);
  });

  test("Succeeded and Deleted jobs expire after the retention, Failed ones are kept", async ({ ledger, clock }) => {
    const now = clock.now();
    const [s, f, d, keep, custom] = await add(ledger, now, enqueued(), enqueued(), enqueued(), enqueued(), enqueued());
    await claim(ledger, now, "srv", ["1", "2"]);
    const at = now + 3 * SEC;
    const r = await ledger.write({
      now: at,
      transitions: [
        { jobId: s, from: ["Processing"], to: "Succeeded", reason: null, at },
        { jobId: f, from: ["Processing"], to: "Failed", reason: "boom", at, error: { type: "Error", message: "boom", stack: "Error: boom" } },
        { jobId: d, from: ["Enqueued"], to: "Deleted", reason: "Deleted by a test", at },
        { jobId: keep, from: ["Enqueued"], to: "Deleted", reason: null, at, expiresAt: null },
        { jobId: custom, from: ["Enqueued"], to: "Deleted", reason: null, at, expiresAt: at + 5 * SEC },
      ],
    });
    assert.equal(r.applied, [true, true, true, true, true]);
    assert.is((await ledger.getJob(s))!.expiresAt, at + CONFORMANCE_RETENTION_MS);
    assert.is((await ledger.getJob(d))!.expiresAt, at + CONFORMANCE_RETENTION_MS);
    assert.is((await ledger.getJob(f))!.expiresAt, null, "failed jobs never expire");
    assert.is((await ledger.getJob(keep))!.expiresAt, null, "expiresAt null keeps the job");
    assert.is((await ledger.getJob(custom))!.expiresAt, at + 5 * SEC);
    // Back to Enqueued (a requeue from the dashboard): no longer expiring.
    assert.ok(await transition(ledger, { jobId: d, from: ["Deleted"], to: "Enqueued", reason: "Requeued", at: at + SEC }));
    assert.is((await ledger.getJob(d))!.expiresAt, null);
  });

  test("a Failed job keeps its exception type, message and stack", async ({ ledger, clock }) => {
    const now = clock.now();
    const [id] = await add(ledger, now, enqueued());
    await claim(ledger, now, "s", ["w"]);
    const error = { type: "DependencyUnavailableError", message: "redis down", stack: "DependencyUnavailableError: redis down\n    at x" };
    await transition(ledger, { jobId: id, from: ["Processing"], to: "Failed", reason: "Exceeded the maximum number of retry attempts (10).", at: now, error, durationMs: 7 });
    const job = (await ledger.getJob(id))!;
    assert.equal(job.error, error);
    assert.is(job.durationMs, 7);
    assert.is(job.finishedAt, now);
    assert.equal((job.history.at(-1)!.data as { error?: unknown }).error, error);
  });

  test("releaseAttempt gives the attempt back when a run never started", async ({ ledger, clock }) => {
    const now = clock.now();
    const [id] = await add(ledger, now, enqueued());
    const [c] = await claim(ledger, now, "s", ["w"]);
    assert.is(c.attempt, 1);
    const ok = await transition(ledger, {
      jobId: id,
      from: ["Processing"],
      fence: { serverId: "s", attempt: 1 },
      to: "Enqueued",
      reason: "The worker thread died before the job started",
      at: now + SEC,
      releaseAttempt: true,
    });
    assert.ok(ok);
    let job = (await ledger.getJob(id))!;
    assert.is(job.state, "Enqueued");
    assert.is(job.attempt, 0);
    assert.is(job.serverId, null);
    assert.is(job.workerId, null);
    assert.is(job.leaseUntil, null);
    const [again] = await claim(ledger, now + 2 * SEC, "s", ["w"]);
    assert.is(again.attempt, 1, "the next run is attempt 1 again");
    // Without releaseAttempt, a requeue keeps the count.
    await transition(ledger, { jobId: id, from: ["Processing"], to: "Enqueued", reason: "Requeued", at: now + 3 * SEC });
    job = (await ledger.getJob(id))!;
    assert.is(job.attempt, 1);
    assert.is((await claim(ledger, now + 4 * SEC, "s", ["w"]))[0].attempt, 2);
  });

  test("progress and log lines are stored and read back by getJob", async ({ ledger, clock }) => {
    const now = clock.now();
    const [id] = await add(ledger, now, enqueued());
    await claim(ledger, now, "s", ["w"]);
    await ledger.write({
      now: now + SEC,
      progress: [{ jobId: id, percent: 40, message: "60 of 150 products" }],
      logs: [
        { jobId: id, at: now + SEC, level: "info", message: "Starting" },
        { jobId: id, at: now + SEC, level: "warn", message: "Product 7 has no price" },
      ],
    });
    await ledger.write({ now: now + 2 * SEC, progress: [{ jobId: id, percent: 75, message: null }], logs: [{ jobId: id, at: now + 2 * SEC, level: "error", message: "Retrying" }] });
    const job = (await ledger.getJob(id))!;
    assert.is(job.progress, 75);
    assert.is(job.progressMessage, null);
    assert.equal(job.logs, [
      { at: now + SEC, level: "info", message: "Starting" },
      { at: now + SEC, level: "warn", message: "Product 7 has no price" },
      { at: now + 2 * SEC, level: "error", message: "Retrying" },
    ]);
  });

  // ---------------------------------------------------------------- listing and counting

  test("listJobs filters by state and by type, newest first", async ({ ledger, clock }) => {
    const now = clock.now();
    const [a, b, c, d] = await add(ledger, now, enqueued({ type: "cleanup" }), enqueued({ type: "cache-warmup" }), enqueued({ type: "cleanup" }), scheduled(now + SEC, { type: "cleanup" }));
    const ids = async (q: Parameters<Ledger["listJobs"]>[0]) => (await ledger.listJobs(q)).map((j) => j.id);
    assert.equal(await ids({ limit: 10 }), [d, c, b, a]);
    assert.equal(await ids({ state: "Enqueued", limit: 10 }), [c, b, a]);
    assert.equal(await ids({ type: "cleanup", limit: 10 }), [d, c, a]);
    assert.equal(await ids({ state: "Enqueued", type: "cleanup", limit: 10 }), [c, a]);
    assert.equal(await ids({ state: "Failed", limit: 10 }), []);
    assert.equal(await ids({ limit: 2 }), [d, c]);
    const [summary] = await ledger.listJobs({ state: "Scheduled", limit: 1 });
    assert.is(summary.type, "cleanup");
    assert.is(summary.enqueueAt, now + SEC);
  });

  test("listJobs q finds text in the arguments and in the error message", async ({ ledger, clock }) => {
    const now = clock.now();
    const [withSku, other, failing] = await add(ledger, now, enqueued({ args: { sku: "WIDGET-42" } }), enqueued({ args: { sku: "GADGET-7" } }), enqueued({ args: null }));
    await claim(ledger, now, "s", ["1", "2", "3"]);
    await transition(ledger, {
      jobId: failing,
      from: ["Processing"],
      to: "Failed",
      reason: null,
      at: now,
      error: { type: "Error", message: "connection refused by elasticsearch", stack: "" },
    });
    const q = async (text: string) => (await ledger.listJobs({ q: text, limit: 10 })).map((j) => j.id);
    assert.equal(await q("WIDGET-42"), [withSku]);
    assert.equal(await q("GADGET"), [other]);
    assert.equal(await q("refused by elastic"), [failing]);
    assert.equal(await q("nothing like this"), []);
    assert.equal(await q("GADGET-7"), [other]);
  });

  test("listJobs q treats % and _ as literal characters", async ({ ledger, clock }) => {
    const now = clock.now();
    const [pct, underscore] = await add(
      ledger,
      now,
      enqueued({ args: { note: "discount 50% off" } }),
      enqueued({ args: { note: "batch_7" } }),
      enqueued({ args: { note: "discount 50 percent" } }),
      enqueued({ args: { note: "batchX7" } }),
    );
    const q = async (text: string) => (await ledger.listJobs({ q: text, limit: 10 })).map((j) => j.id);
    assert.equal(await q("50%"), [pct], "% is not a wildcard");
    assert.equal(await q("batch_7"), [underscore], "_ is not a wildcard");
    assert.equal(await q("%"), [pct]);
    assert.equal(await q("_"), [underscore]);
  });

  test("listJobs pages newest-first with the keyset before, without duplicates or gaps", async ({ ledger, clock }) => {
    const now = clock.now();
    const all = await add(ledger, now, ...Array.from({ length: 23 }, (_, i) => enqueued({ args: { i } })));
    const seen: string[] = [];
    let before: string | undefined;
    for (let page = 0; page < 10; page++) {
      const rows = await ledger.listJobs({ limit: 5, before });
      if (!rows.length) break;
      assert.ok(rows.length <= 5);
      seen.push(...rows.map((r) => r.id));
      before = rows.at(-1)!.id;
    }
    assert.equal(seen, [...all].reverse());
    assert.is(new Set(seen).size, 23);
    // A job created while paging does not appear in the later pages.
    const firstPage = await ledger.listJobs({ limit: 5 });
    await add(ledger, now, enqueued());
    const second = await ledger.listJobs({ limit: 5, before: firstPage.at(-1)!.id });
    assert.equal(
      second.map((r) => r.id),
      [...all].reverse().slice(5, 10),
    );
  });

  test("countByState matches the jobs after inserts, claims, transitions and purge", async ({ ledger, clock }) => {
    const now = clock.now();
    const zero = Object.fromEntries(JOB_STATES.map((s) => [s, 0]));
    assert.equal(await ledger.countByState(), zero, "every state is present, at zero");
    const ids = await add(ledger, now, ...Array.from({ length: 6 }, () => enqueued()), scheduled(now + SEC), scheduled(now + 2 * SEC));
    await ledger.write({ now, jobs: [enqueued({ uniqueKey: "u" }), enqueued({ uniqueKey: "u" })] }); // one created
    assert.equal(await ledger.countByState(), { ...zero, Enqueued: 7, Scheduled: 2 });
    await claim(ledger, now, "s", ["1", "2", "3", "4"]);
    await ledger.write({
      now,
      transitions: [
        { jobId: ids[0], from: ["Processing"], to: "Succeeded", reason: null, at: now },
        { jobId: ids[1], from: ["Processing"], to: "Failed", reason: null, at: now },
        { jobId: ids[2], from: ["Processing"], to: "Scheduled", reason: null, at: now, enqueueAt: now + SEC, via: [{ state: "Failed", reason: "x" }] },
        { jobId: ids[4], from: ["Enqueued"], to: "Deleted", reason: null, at: now },
        { jobId: ids[5], from: ["Processing"], to: "Deleted", reason: null, at: now }, // refused: still Enqueued
      ],
    });
    assert.equal(await ledger.countByState(), await countedByListing(ledger));
    assert.equal(await ledger.countByState(), { ...zero, Enqueued: 2, Scheduled: 3, Processing: 1, Succeeded: 1, Failed: 1, Deleted: 1 });
    assert.is(await ledger.promoteDue(now + SEC, 100), 2);
    assert.is(await ledger.purgeExpired(now + CONFORMANCE_RETENTION_MS + SEC, 100), 2);
    assert.equal(await ledger.countByState(), await countedByListing(ledger));
    assert.equal(await ledger.countByState(), { ...zero, Enqueued: 4, Scheduled: 1, Processing: 1, Failed: 1 });
  });

  // ---------------------------------------------------------------- delayed jobs and job leases

  test("promoteDue moves only the Scheduled jobs that are due", async ({ ledger, clock }) => {
    const now = clock.now();
    const [early, exact, late, plain] = await add(ledger, now, scheduled(now - SEC), scheduled(now), scheduled(now + 1), enqueued());
    assert.is(await ledger.promoteDue(now, 100), 2);
    assert.is((await ledger.getJob(early))!.state, "Enqueued");
    assert.is((await ledger.getJob(exact))!.state, "Enqueued", "due at its exact instant");
    assert.is((await ledger.getJob(late))!.state, "Scheduled", "one millisecond early is not due");
    const promoted = (await ledger.getJob(exact))!;
    assert.equal(
      promoted.history.map((h) => [h.state, h.at]),
      [
        ["Scheduled", now],
        ["Enqueued", now],
      ],
    );
    assert.is(promoted.enqueueAt, null);
    assert.is((await ledger.getJob(plain))!.history.length, 1, "Enqueued jobs are untouched");
    assert.is(await ledger.nextScheduledAt(), now + 1);
    assert.is(await ledger.promoteDue(now, 100), 0, "promoting again is a no-op");
    assert.is(await ledger.promoteDue(now + 1, 100), 1);
    assert.is(await ledger.nextScheduledAt(), null);
  });

  test("promoteDue takes at most limit jobs, earliest first", async ({ ledger, clock }) => {
    const now = clock.now();
    const [later, sooner] = await add(ledger, now, scheduled(now - SEC), scheduled(now - 2 * SEC), scheduled(now - 3 * SEC));
    assert.is(await ledger.promoteDue(now, 1), 1);
    assert.is(await ledger.promoteDue(now, 1), 1);
    assert.is((await ledger.getJob(sooner))!.state, "Enqueued");
    assert.is((await ledger.getJob(later))!.state, "Scheduled");
  });

  test("recoverExpired requeues Processing jobs whose lease lapsed and leaves leased ones alone", async ({ ledger, clock }) => {
    const now = clock.now();
    const [lapsed, leased] = await add(ledger, now, enqueued(), enqueued());
    await claim(ledger, now, "dead-server", ["w1"], now + 5 * SEC);
    await claim(ledger, now, "live-server", ["w1"], now + 60 * SEC);
    assert.equal(await ledger.recoverExpired(now + 5 * SEC, 100), [], "a lease is good up to its instant");
    await clock.advance(10 * SEC);
    const at = clock.now();
    assert.equal(await ledger.recoverExpired(at, 100), [lapsed]);
    const job = (await ledger.getJob(lapsed))!;
    assert.is(job.state, "Enqueued");
    assert.match(job.reason ?? "", /dead-server/);
    assert.is(job.serverId, null);
    assert.is(job.leaseUntil, null);
    assert.is(job.attempt, 1, "the lapsed run counts as an attempt");
    assert.equal(job.history.at(-1)!.state, "Enqueued");
    assert.is((await ledger.getJob(leased))!.state, "Processing");
    assert.equal(await ledger.recoverExpired(at, 100), [], "recovering twice finds nothing");
  });

  test("recoverExpired fails a job whose retries are spent, and it is kept", async ({ ledger, clock }) => {
    const now = clock.now();
    const [id] = await add(ledger, now, enqueued({ maxRetries: 0 }));
    await claim(ledger, now, "dead-server", ["w1"], now + SEC);
    assert.equal(await ledger.recoverExpired(now + 2 * SEC, 100), [id]);
    const job = (await ledger.getJob(id))!;
    assert.is(job.state, "Failed");
    assert.is(job.expiresAt, null);
    assert.ok(job.error, "the failure says why");
    assert.is(job.error!.type, "LeaseExpiredError");
  });

  test("recoverExpired requeues while retries remain: one retry means one requeue, then Failed", async ({ ledger, clock }) => {
    const now = clock.now();
    const [id] = await add(ledger, now, enqueued({ maxRetries: 1 }));
    await claim(ledger, now, "dead-server", ["w1"], now + SEC);
    await ledger.recoverExpired(now + 2 * SEC, 100);
    assert.is((await ledger.getJob(id))!.state, "Enqueued", "attempt 1 lapsed: the one retry is left");
    await claim(ledger, now + 3 * SEC, "dead-server", ["w1"], now + 4 * SEC);
    await ledger.recoverExpired(now + 5 * SEC, 100);
    const job = (await ledger.getJob(id))!;
    assert.is(job.state, "Failed", "attempt 2 lapsed: retries spent");
    assert.is(job.attempt, 2);
  });

  test("a job failed by an expired lease counts in the failed statistics", async ({ ledger, clock }) => {
    const now = clock.now();
    await add(ledger, now, enqueued({ maxRetries: 0 }));
    await claim(ledger, now, "dead-server", ["w1"], now + SEC);
    const at = now + 2 * SEC;
    await ledger.recoverExpired(at, 100);
    const counters = await ledger.readCounters([totalKey("Failed"), dayKey("Failed", at)]);
    assert.equal(counters, { [totalKey("Failed")]: 1, [dayKey("Failed", at)]: 1 });
  });

  test("recoverExpired takes at most limit jobs", async ({ ledger, clock }) => {
    const now = clock.now();
    await add(ledger, now, enqueued(), enqueued(), enqueued());
    await claim(ledger, now, "dead", ["1", "2", "3"], now + SEC);
    assert.is((await ledger.recoverExpired(now + 2 * SEC, 2)).length, 2);
    assert.is((await ledger.recoverExpired(now + 2 * SEC, 2)).length, 1);
  });

  test("renewLeases extends only this server's Processing jobs", async ({ ledger, clock }) => {
    const now = clock.now();
    const [mine1, mine2, theirs, waiting] = await add(ledger, now, enqueued(), enqueued(), enqueued(), enqueued());
    await claim(ledger, now, "me", ["1", "2"], now + 5 * SEC);
    await claim(ledger, now, "them", ["1"], now + 5 * SEC);
    assert.is(await ledger.renewLeases("me", now + 4 * SEC, now + 34 * SEC), 2);
    assert.is((await ledger.getJob(mine1))!.leaseUntil, now + 34 * SEC);
    assert.is((await ledger.getJob(mine2))!.leaseUntil, now + 34 * SEC);
    assert.is((await ledger.getJob(theirs))!.leaseUntil, now + 5 * SEC);
    assert.is((await ledger.getJob(waiting))!.leaseUntil, null);
    assert.equal(await ledger.recoverExpired(now + 6 * SEC, 100), [theirs], "the renewed leases hold");
    assert.is(await ledger.renewLeases("nobody", now, now + SEC), 0);
  });

  // ---------------------------------------------------------------- recurring jobs

  test("upsertRecurring creates a recurring job and lists it", async ({ ledger, clock }) => {
    const now = clock.now();
    await ledger.upsertRecurring(recurringDef({ args: { top: 10 }, queue: "reports" }), now, now + 60 * SEC, false);
    const rec = (await ledger.getRecurring("daily-analytics"))!;
    assert.equal(
      { ...rec },
      {
        id: "daily-analytics",
        name: "Daily Analytics Generation",
        type: "daily-analytics",
        args: { top: 10 },
        cron: "0 2 * * *",
        timeZone: "UTC",
        misfire: "relaxed",
        overlap: "allow",
        enabled: true,
        queue: "reports",
        createdAt: now,
        updatedAt: now,
        lastExecution: null,
        nextExecution: now + 60 * SEC,
        lastJobId: null,
        lastJobState: null,
        error: null,
      },
    );
    assert.equal(
      (await ledger.listRecurring()).map((r) => r.id),
      ["daily-analytics"],
    );
    assert.is(await ledger.getRecurring("nope"), null);
  });

  test("upsertRecurring with keepUserChanges keeps an edited cron, zone, overlap and enabled flag", async ({ ledger, clock }) => {
    const now = clock.now();
    await ledger.upsertRecurring(recurringDef(), now, now + 60 * SEC, true);
    const edited = await ledger.updateRecurring(
      "daily-analytics",
      { cron: "0 5 * * *", timeZone: "Europe/Berlin", overlap: "skip", enabled: false, nextExecution: null },
      now + SEC,
    );
    assert.is(edited!.cron, "0 5 * * *");
    assert.is(edited!.updatedAt, now + SEC);
    // The application restarts with the code's definition (a new name, the old cron).
    await ledger.upsertRecurring(recurringDef({ name: "Daily Analytics" }), now + 2 * SEC, now + 99 * SEC, true);
    let rec = (await ledger.getRecurring("daily-analytics"))!;
    assert.is(rec.cron, "0 5 * * *", "the user's cron survives a restart");
    assert.is(rec.timeZone, "Europe/Berlin");
    assert.is(rec.overlap, "skip");
    assert.is(rec.enabled, false);
    assert.is(rec.nextExecution, null);
    assert.is(rec.name, "Daily Analytics", "the code's name is taken");
    assert.is(rec.createdAt, now);
    // Without keepUserChanges the definition wins.
    await ledger.upsertRecurring(recurringDef(), now + 3 * SEC, now + 99 * SEC, false);
    rec = (await ledger.getRecurring("daily-analytics"))!;
    assert.is(rec.cron, "0 2 * * *");
    assert.is(rec.timeZone, "UTC");
    assert.is(rec.overlap, "allow");
    assert.is(rec.enabled, true);
    assert.is(rec.nextExecution, now + 99 * SEC);
  });

  test("updateRecurring patches only the fields given; removeRecurring removes", async ({ ledger, clock }) => {
    const now = clock.now();
    await ledger.upsertRecurring(recurringDef(), now, now + 60 * SEC, false);
    const rec = (await ledger.updateRecurring("daily-analytics", { misfire: "strict", error: "bad cron" }, now + SEC))!;
    assert.is(rec.misfire, "strict");
    assert.is(rec.error, "bad cron");
    assert.is(rec.cron, "0 2 * * *");
    assert.is(rec.nextExecution, now + 60 * SEC);
    assert.is(await ledger.updateRecurring("nope", { enabled: false }, now), null);
    assert.is(await ledger.removeRecurring("daily-analytics"), true);
    assert.is(await ledger.removeRecurring("daily-analytics"), false);
    assert.equal(await ledger.listRecurring(), []);
  });

  test("fireRecurring creates the tick's job and moves the schedule in one step", async ({ ledger, clock }) => {
    const now = clock.now();
    const tick = now + 60 * SEC;
    await ledger.upsertRecurring(recurringDef(), now, tick, false);
    const job = enqueued({ type: "daily-analytics", uniqueKey: `recurring:daily-analytics:${tick}`, recurringId: "daily-analytics", scheduledFor: tick });
    const fired = await ledger.fireRecurring({ id: "daily-analytics", expectNext: tick, jobs: [job], lastExecution: tick, nextExecution: tick + 86_400_000 }, tick);
    assert.ok(fired);
    assert.is(fired!.created, 1);
    assert.is(fired!.jobIds.length, 1);
    const rec = (await ledger.getRecurring("daily-analytics"))!;
    assert.is(rec.lastExecution, tick);
    assert.is(rec.nextExecution, tick + 86_400_000);
    assert.is(rec.lastJobId, fired!.jobIds[0]);
    assert.is(rec.lastJobState, "Enqueued");
    const created = (await ledger.getJob(fired!.jobIds[0]))!;
    assert.is(created.recurringId, "daily-analytics");
    assert.is(created.scheduledFor, tick);
  });

  test("fireRecurring with skipIfUnfinished creates nothing while a run of that recurring job is unfinished, and still moves the schedule", async ({ ledger, clock }) => {
    const now = clock.now();
    const day = 86_400_000;
    await ledger.upsertRecurring(recurringDef(), now, now + SEC, false);
    const tickJob = (at: number) => enqueued({ type: "daily-analytics", uniqueKey: `recurring:daily-analytics:${at}`, recurringId: "daily-analytics", scheduledFor: at });
    const fire = (at: number) =>
      ledger.fireRecurring({ id: "daily-analytics", expectNext: at, jobs: [tickJob(at)], lastExecution: at, nextExecution: at + day, skipIfUnfinished: true }, at);
    // Another recurring job's run does not count.
    await add(ledger, now, enqueued({ type: "cleanup", recurringId: "cleanup" }));
    const first = (await fire(now + SEC))!;
    assert.is(first.created, 1);
    assert.is(first.unfinished, undefined);
    const second = (await fire(now + SEC + day))!;
    assert.equal(second, { jobIds: [], created: 0, unfinished: { jobId: first.jobIds[0], state: "Enqueued" } });
    const rec = (await ledger.getRecurring("daily-analytics"))!;
    assert.is(rec.lastExecution, now + SEC + day, "the skipped tick counts as processed");
    assert.is(rec.nextExecution, now + SEC + 2 * day);
    assert.is(rec.lastJobId, first.jobIds[0]);
    const at = now + 2 * SEC;
    await ledger.write({ now: at, transitions: [{ jobId: first.jobIds[0], from: ["Enqueued"], to: "Deleted", reason: "Deleted by a test", at }] });
    const third = (await fire(now + SEC + 2 * day))!;
    assert.is(third.created, 1, "with nothing unfinished the tick runs");
  });

  test("fireRecurring refuses when expectNext no longer matches, creating nothing", async ({ ledger, clock }) => {
    const now = clock.now();
    const tick = now + 60 * SEC;
    await ledger.upsertRecurring(recurringDef(), now, tick, false);
    const fire = (expectNext: number | null) => ({
      id: "daily-analytics",
      expectNext,
      jobs: [enqueued({ uniqueKey: `recurring:daily-analytics:${tick}` })],
      lastExecution: tick,
      nextExecution: tick + 86_400_000,
    });
    assert.ok(await ledger.fireRecurring(fire(tick), tick));
    assert.is(await ledger.fireRecurring(fire(tick), tick), null, "a second leader with a stale view is refused");
    assert.is(await ledger.fireRecurring(fire(null), tick), null);
    assert.is(await ledger.fireRecurring({ ...fire(tick), id: "unknown" }, tick), null);
    assert.is((await ledger.listJobs({ limit: 10 })).length, 1);
  });

  test("a tick replayed with the same instant creates no second job", async ({ ledger, clock }) => {
    const now = clock.now();
    const tick = now + 60 * SEC;
    await ledger.upsertRecurring(recurringDef(), now, tick, false);
    const fire = { id: "daily-analytics", expectNext: tick, jobs: [enqueued({ uniqueKey: `recurring:daily-analytics:${tick}` })], lastExecution: tick, nextExecution: tick + 1 };
    const first = (await ledger.fireRecurring(fire, tick))!;
    await ledger.updateRecurring("daily-analytics", { nextExecution: tick }, tick); // a leader's view rolled back
    const second = (await ledger.fireRecurring(fire, tick))!;
    assert.is(second.created, 0);
    assert.equal(second.jobIds, first.jobIds);
    assert.is((await ledger.listJobs({ limit: 10 })).length, 1);
  });

  test("fireRecurring is atomic: a job that cannot be written leaves the schedule unmoved", async ({ ledger, clock }) => {
    const now = clock.now();
    const tick = now + 60 * SEC;
    await ledger.upsertRecurring(recurringDef(), now, tick, false);
    const bad = { ...enqueued(), type: null } as unknown as NewJob;
    await rejection(() =>
      ledger.fireRecurring({ id: "daily-analytics", expectNext: tick, jobs: [enqueued({ uniqueKey: "first" }), bad], lastExecution: tick, nextExecution: tick + 1 }, tick),
    );
    assert.is((await ledger.getRecurring("daily-analytics"))!.nextExecution, tick);
    assert.equal(await ledger.listJobs({ limit: 10 }), []);
  });

  // ---------------------------------------------------------------- leases

  test("a lease is acquired, renewed by its owner, refused to another until it lapses, then handed over", async ({ ledger, clock }) => {
    const now = clock.now();
    const a1 = await ledger.acquireLease("scheduler", "a", now, 10 * SEC);
    assert.equal({ ...a1 }, { name: "scheduler", owner: "a", expiresAt: now + 10 * SEC, token: 1 });
    const renewed = await ledger.acquireLease("scheduler", "a", now + 3 * SEC, 10 * SEC);
    assert.equal({ ...renewed }, { name: "scheduler", owner: "a", expiresAt: now + 13 * SEC, token: 1 }, "renewal keeps the token");
    const refused = await ledger.acquireLease("scheduler", "b", now + 12 * SEC, 10 * SEC);
    assert.equal({ ...refused }, { ...renewed }, "b sees a still holding it");
    const taken = await ledger.acquireLease("scheduler", "b", now + 13 * SEC, 10 * SEC);
    assert.equal({ ...taken }, { name: "scheduler", owner: "b", expiresAt: now + 23 * SEC, token: 2 }, "after expiry b takes it, token + 1");
    const late = await ledger.acquireLease("scheduler", "a", now + 14 * SEC, 10 * SEC);
    assert.is(late.owner, "b", "the old owner cannot renew what it lost");
    assert.equal(await ledger.getLease("scheduler"), taken);
    assert.is(await ledger.getLease("other"), null);
  });

  test("a released lease can be taken at once, and only its owner can release it", async ({ ledger, clock }) => {
    const now = clock.now();
    await ledger.acquireLease("scheduler", "a", now, 10 * SEC);
    await ledger.releaseLease("scheduler", "b");
    assert.is((await ledger.acquireLease("scheduler", "b", now + SEC, 10 * SEC)).owner, "a", "b's release of a's lease does nothing");
    await ledger.releaseLease("scheduler", "a");
    const b = await ledger.acquireLease("scheduler", "b", now + SEC, 10 * SEC);
    assert.is(b.owner, "b");
    assert.is(b.token, 2);
    assert.is(b.expiresAt, now + 11 * SEC);
  });

  test("leases with different names are independent", async ({ ledger, clock }) => {
    const now = clock.now();
    await ledger.acquireLease("one", "a", now, 10 * SEC);
    assert.is((await ledger.acquireLease("two", "b", now, 10 * SEC)).owner, "b");
  });

  // ---------------------------------------------------------------- servers

  test("servers register, heartbeat, and dead ones are removed", async ({ ledger, clock }) => {
    const now = clock.now();
    const server = (id: string, at: number): ServerInfo => ({
      id,
      hostname: "host-1",
      pid: 100,
      workerCount: 5,
      queues: ["default"],
      startedAt: at,
      heartbeatAt: at,
      actors: [],
    });
    await ledger.registerServer(server("alive", now));
    await ledger.registerServer(server("dead", now + 1));
    assert.equal(
      (await ledger.listServers()).map((s) => s.id),
      ["alive", "dead"],
    );
    assert.equal({ ...(await ledger.listServers())[0] }, server("alive", now));
    assert.is(await ledger.heartbeat("alive", now + 60 * SEC, [{ id: "job-worker-1", state: "running" }]), true);
    assert.is(await ledger.heartbeat("ghost", now + 60 * SEC, []), false, "an unknown server's heartbeat says so");
    const alive = (await ledger.listServers()).find((s) => s.id === "alive")!;
    assert.is(alive.heartbeatAt, now + 60 * SEC);
    assert.equal(alive.actors, [{ id: "job-worker-1", state: "running" }]);
    assert.equal(await ledger.removeDeadServers(now + 30 * SEC), ["dead"]);
    assert.equal(
      (await ledger.listServers()).map((s) => s.id),
      ["alive"],
    );
    await ledger.removeServer("alive");
    assert.equal(await ledger.listServers(), []);
  });

  // ---------------------------------------------------------------- counters and retention

  test("counters add up and unknown ones read as zero", async ({ ledger }) => {
    await ledger.incrementCounters([
      { key: "a", delta: 2, expiresAt: null },
      { key: "b", delta: 1, expiresAt: null },
    ]);
    await ledger.incrementCounters([{ key: "a", delta: 3, expiresAt: null }]);
    assert.equal(await ledger.readCounters(["a", "b", "missing"]), { a: 5, b: 1, missing: 0 });
    assert.equal(await ledger.readCounters([]), {});
  });

  test("Succeeded, Failed and Deleted transitions count per total, day, hour and second", async ({ ledger, clock }) => {
    const now = clock.now();
    const ids = await add(ledger, now, enqueued(), enqueued(), enqueued(), enqueued());
    await claim(ledger, now, "s", ["1", "2", "3"]);
    const at = now + 1500;
    await ledger.write({
      now: at,
      transitions: [
        { jobId: ids[0], from: ["Processing"], to: "Succeeded", reason: null, at },
        { jobId: ids[1], from: ["Processing"], to: "Succeeded", reason: null, at },
        { jobId: ids[2], from: ["Processing"], to: "Scheduled", reason: "retry", at, enqueueAt: at + SEC, via: [{ state: "Failed", reason: "boom" }] },
        { jobId: ids[3], from: ["Enqueued"], to: "Deleted", reason: null, at },
        { jobId: ids[3], from: ["Enqueued"], to: "Succeeded", reason: null, at }, // refused: not counted
      ],
    });
    const keys = (state: string) => [totalKey(state), dayKey(state, at), hourKey(state, at), secondKey(state, at)];
    const counters = await ledger.readCounters([...keys("Succeeded"), ...keys("Failed"), ...keys("Deleted"), totalKey("Enqueued")]);
    for (const k of keys("Succeeded")) assert.is(counters[k], 2, k);
    for (const k of keys("Failed")) assert.is(counters[k], 1, `${k} (a retry passes through Failed)`);
    for (const k of keys("Deleted")) assert.is(counters[k], 1, k);
    assert.is(counters[totalKey("Enqueued")], 0, "only finishing states are counted");
  });

  test("purgeExpired deletes expired jobs with their history and logs and leaves the rest", async ({ ledger, clock }) => {
    const now = clock.now();
    const [done, failed, waiting, untouched] = await add(ledger, now, enqueued(), enqueued(), enqueued(), enqueued());
    await claim(ledger, now, "s", ["1", "2"]);
    await ledger.write({
      now,
      logs: [
        { jobId: done, at: now, level: "info", message: "done's line" },
        { jobId: failed, at: now, level: "info", message: "failed's line" },
      ],
      transitions: [
        { jobId: done, from: ["Processing"], to: "Succeeded", reason: null, at: now },
        { jobId: failed, from: ["Processing"], to: "Failed", reason: null, at: now },
      ],
    });
    await ledger.incrementCounters([
      { key: "short-lived", delta: 1, expiresAt: now + SEC },
      { key: "forever", delta: 1, expiresAt: null },
    ]);
    await clock.advance(CONFORMANCE_RETENTION_MS / 2);
    await claim(ledger, clock.now(), "s", ["3"]); // picks `waiting`
    await transition(ledger, { jobId: waiting, from: ["Processing"], to: "Succeeded", reason: null, at: clock.now() });

    assert.is(await ledger.purgeExpired(now + CONFORMANCE_RETENTION_MS - 1, 100), 0, "nothing expires before its instant");
    assert.is(await ledger.purgeExpired(now + CONFORMANCE_RETENTION_MS + 1, 100), 1);
    assert.is(await ledger.getJob(done), null);
    const stillFailed = (await ledger.getJob(failed))!;
    assert.ok(stillFailed, "failed jobs are kept");
    assert.equal(
      stillFailed.logs.map((l) => l.message),
      ["failed's line"],
      "other jobs keep their logs",
    );
    assert.is(stillFailed.history.length, 3);
    assert.is((await ledger.getJob(waiting))!.state, "Succeeded", "a job finished later expires later");
    assert.is((await ledger.getJob(untouched))!.state, "Enqueued");
    assert.equal(await ledger.readCounters(["short-lived", "forever"]), { "short-lived": 0, forever: 1 });
  });

  test("purgeExpired deletes at most limit jobs per call", async ({ ledger, clock }) => {
    const now = clock.now();
    const ids = await add(ledger, now, enqueued(), enqueued(), enqueued());
    await ledger.write({ now, transitions: ids.map((jobId) => ({ jobId, from: ["Enqueued"] as JobState[], to: "Deleted" as const, reason: null, at: now })) });
    const later = now + CONFORMANCE_RETENTION_MS + 1;
    assert.is(await ledger.purgeExpired(later, 2), 2);
    assert.is(await ledger.purgeExpired(later, 2), 1);
    assert.is(await ledger.purgeExpired(later, 2), 0);
    assert.equal(await ledger.countByState(), Object.fromEntries(JOB_STATES.map((s) => [s, 0])));
  });

  test("ping resolves on an open ledger", async ({ ledger }) => {
    await ledger.ping();
  });

  test.run();
}
