// The Scheduler on virtual time over a real SQLite ledger, with no worker threads: onWork is a spy.
// Delayed jobs are promoted at their instant by a timer (no polling); recurring ticks fire only on
// the leader, once per tick, with the misfire policy after downtime and DST rules of cron.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RuntimeEvents, type RuntimeEventMap } from "../../../src/actors/runtime/events.ts";
import { Scheduler } from "../../../src/actors/runtime/scheduler.ts";
import { VirtualClock } from "../../../src/actors/runtime/virtual-clock.ts";
import type { JobSummary, Ledger, NewJob, RecurringDefinition } from "../../../src/ledger/ledger.ts";
import { SqliteLedger } from "../../../src/ledger/sqlite-ledger.ts";
import { createLogger, memorySink } from "../../../src/logger.ts";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const SEC = 1000;

interface Ctx {
  dir: string;
  clock: VirtualClock;
  ledger: SqliteLedger;
  events: RuntimeEvents;
  logs: ReturnType<typeof memorySink>;
  schedulers: Scheduler[];
  extraLedgers: SqliteLedger[];
  work: number;
  fired: (RuntimeEventMap["recurring:fired"] & { now: number })[];
  promoted: { count: number; now: number }[];
  /** A scheduler over `ledger` (or another view of it), counted in ctx.work. */
  make(ledger?: Ledger): Scheduler;
}

const test = suite<Ctx>("scheduler");

async function setUp(ctx: Ctx, start: string) {
  ctx.dir = mkdtempSync(join(tmpdir(), "cj-scheduler-"));
  ctx.clock = new VirtualClock(start);
  ctx.ledger = await SqliteLedger.open({ path: join(ctx.dir, "ledger.db"), clock: ctx.clock, retentionMs: 86_400_000 });
  ctx.events = new RuntimeEvents();
  ctx.logs = memorySink();
  ctx.schedulers = [];
  ctx.extraLedgers = [];
  ctx.work = 0;
  ctx.fired = [];
  ctx.promoted = [];
  ctx.events.on("recurring:fired", (e) => ctx.fired.push({ ...e, now: ctx.clock.now() }));
  ctx.events.on("scheduled:promoted", (e) => ctx.promoted.push({ ...e, now: ctx.clock.now() }));
  const logger = createLogger({ category: "scheduler-test", sink: ctx.logs, level: "debug", now: () => ctx.clock.now() });
  ctx.make = (ledger = ctx.ledger) => {
    const s = new Scheduler({
      ledger,
      clock: ctx.clock,
      events: ctx.events,
      logger,
      onWork: () => ctx.work++,
      maxRetriesOf: (type) => (type === "cleanup" ? 3 : 10),
    });
    ctx.schedulers.push(s);
    return s;
  };
}

test.before.each(async (ctx) => setUp(ctx, "2026-01-01T00:00:00.000Z"));

/** Starts the test over at another instant (the DST tests). */
async function startAt(ctx: Ctx, start: string) {
  await ctx.ledger.close();
  rmSync(ctx.dir, { recursive: true, force: true });
  await setUp(ctx, start);
}

test.after.each(async (ctx) => {
  for (const s of ctx.schedulers) s.stop();
  for (const l of ctx.extraLedgers) await l.close();
  await ctx.ledger.close();
  assert.is(ctx.clock.pendingTimers, 0, "stopped schedulers and closed ledgers leave no timer armed");
  assert.equal(
    ctx.logs.records.filter((r) => r.level === "error").map((r) => r.message),
    [],
    "no scheduler pass failed",
  );
  rmSync(ctx.dir, { recursive: true, force: true });
});

function scheduledJob(enqueueAt: number): NewJob {
  return { type: "cleanup", args: null, state: "Scheduled", enqueueAt, reason: "Scheduled by a test", maxRetries: 3 };
}

async function schedule(ctx: Ctx, enqueueAt: number): Promise<string> {
  return (await ctx.ledger.write({ now: ctx.clock.now(), jobs: [scheduledJob(enqueueAt)] })).jobs[0].id;
}

const def = (over: Partial<RecurringDefinition> = {}): RecurringDefinition => ({
  id: "daily-analytics",
  name: "Daily Analytics Generation",
  type: "daily-analytics",
  args: { top: 10 },
  cron: "0 2 * * *",
  timeZone: "UTC",
  misfire: "relaxed",
  ...over,
});

/** A recurring job as a new one is stored: no next instant yet; the scheduler computes it. */
async function addRecurring(ctx: Ctx, over: Partial<RecurringDefinition> = {}) {
  await ctx.ledger.upsertRecurring(def(over), ctx.clock.now(), null, false);
}

/** Jobs a recurring job created, by scheduled instant. */
async function ticks(ledger: Ledger, recurringId = "daily-analytics"): Promise<JobSummary[]> {
  const all = await ledger.listJobs({ limit: 10_000 });
  return all.filter((j) => j.recurringId === recurringId).sort((a, b) => a.scheduledFor! - b.scheduledFor!);
}

const instants = async (ledger: Ledger, id?: string) => (await ticks(ledger, id)).map((j) => iso(j.scheduledFor));

async function leader(ctx: Ctx, ledger?: Ledger): Promise<Scheduler> {
  const s = ctx.make(ledger);
  await s.start();
  s.setLeader(true);
  await ctx.clock.advance(0); // let the first pass run
  return s;
}

// ---------------------------------------------------------------- delayed jobs

test("a delayed job is promoted at its exact instant and not a millisecond before", async (ctx) => {
  const due = ctx.clock.now() + 90 * SEC;
  const id = await schedule(ctx, due);
  await ctx.make().start();
  await ctx.clock.advanceTo(due - 1);
  assert.is((await ctx.ledger.getJob(id))!.state, "Scheduled");
  assert.is(ctx.work, 0);
  await ctx.clock.advanceTo(due);
  const job = (await ctx.ledger.getJob(id))!;
  assert.is(job.state, "Enqueued");
  assert.is(job.history.at(-1)!.at, due);
  assert.is(ctx.work, 1, "the pool is woken once");
  assert.equal(ctx.promoted, [{ count: 1, now: due }]);
  assert.is(ctx.clock.pendingTimers, 0, "nothing else to wait for: no timer");
});

test("promotion re-arms the timer for the next scheduled job", async (ctx) => {
  const t0 = ctx.clock.now();
  const [a, b] = [await schedule(ctx, t0 + 5 * SEC), await schedule(ctx, t0 + 20 * SEC)];
  await ctx.make().start();
  await ctx.clock.advanceTo(t0 + 5 * SEC);
  assert.is((await ctx.ledger.getJob(a))!.state, "Enqueued");
  assert.is((await ctx.ledger.getJob(b))!.state, "Scheduled");
  assert.is(ctx.clock.nextTimerAt(), t0 + 20 * SEC);
  await ctx.clock.advanceTo(t0 + 20 * SEC);
  assert.is((await ctx.ledger.getJob(b))!.state, "Enqueued");
  assert.equal(
    ctx.promoted.map((p) => p.now),
    [t0 + 5 * SEC, t0 + 20 * SEC],
  );
  assert.is(ctx.work, 2);
});

test("jobs due at the same instant are promoted in one pass", async (ctx) => {
  const due = ctx.clock.now() + SEC;
  for (let i = 0; i < 3; i++) await schedule(ctx, due);
  await ctx.make().start();
  await ctx.clock.advanceTo(due);
  assert.equal(ctx.promoted, [{ count: 3, now: due }]);
  assert.is(ctx.work, 1);
});

test("a job scheduled sooner than the armed timer re-arms it when noted", async (ctx) => {
  const t0 = ctx.clock.now();
  const later = await schedule(ctx, t0 + 60 * SEC);
  const s = ctx.make();
  await s.start();
  const sooner = await schedule(ctx, t0 + 10 * SEC);
  s.noteScheduled(t0 + 10 * SEC);
  await ctx.clock.advanceTo(t0 + 10 * SEC);
  assert.is((await ctx.ledger.getJob(sooner))!.state, "Enqueued", "promoted at its own instant, not at the later one");
  assert.is((await ctx.ledger.getJob(later))!.state, "Scheduled");
  await ctx.clock.advanceTo(t0 + 60 * SEC);
  assert.is((await ctx.ledger.getJob(later))!.state, "Enqueued", "the later job is still promoted on time");
  assert.equal(
    ctx.promoted.map((p) => p.now),
    [t0 + 10 * SEC, t0 + 60 * SEC],
  );
});

test("noting a later job keeps the sooner timer", async (ctx) => {
  const t0 = ctx.clock.now();
  const sooner = await schedule(ctx, t0 + 10 * SEC);
  const s = ctx.make();
  await s.start();
  await schedule(ctx, t0 + 60 * SEC);
  s.noteScheduled(t0 + 60 * SEC);
  await ctx.clock.advanceTo(t0 + 10 * SEC);
  assert.is((await ctx.ledger.getJob(sooner))!.state, "Enqueued");
});

test("jobs already due when the scheduler starts are promoted at once", async (ctx) => {
  const id = await schedule(ctx, ctx.clock.now() - 5 * SEC);
  await ctx.make().start();
  await ctx.clock.advance(0);
  assert.is((await ctx.ledger.getJob(id))!.state, "Enqueued");
});

test("a stopped scheduler promotes nothing and keeps no timer", async (ctx) => {
  const id = await schedule(ctx, ctx.clock.now() + SEC);
  const s = ctx.make();
  await s.start();
  s.stop();
  assert.is(ctx.clock.pendingTimers, 0);
  s.noteScheduled(ctx.clock.now() + 1);
  await ctx.clock.advance(10 * SEC);
  assert.is((await ctx.ledger.getJob(id))!.state, "Scheduled");
  assert.is(ctx.work, 0);
});

// ---------------------------------------------------------------- recurring jobs

test("recurring jobs fire only while this scheduler is the leader", async (ctx) => {
  await addRecurring(ctx);
  const s = ctx.make();
  await s.start();
  await ctx.clock.advanceTo("2026-01-01T03:00:00Z");
  assert.equal(await ticks(ctx.ledger), [], "a follower fires nothing");
  s.setLeader(true);
  await ctx.clock.advanceTo("2026-01-02T02:00:00Z");
  assert.equal(await instants(ctx.ledger), ["2026-01-02T02:00:00.000Z"]);
  s.setLeader(false);
  assert.is(ctx.clock.pendingTimers, 0, "losing leadership disarms the cron timer");
  await ctx.clock.advanceTo("2026-01-05T00:00:00Z");
  assert.is((await ticks(ctx.ledger)).length, 1, "nothing fires after losing leadership");
});

test("a tick still queued when leadership is lost does not fire", async (ctx) => {
  await addRecurring(ctx);
  const tick = at("2026-01-01T02:00:00Z");
  await schedule(ctx, tick);
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  // The promotion pass due at the same instant stalls, so the tick waits behind it.
  const slow = new Proxy(ctx.ledger, {
    get(target, prop) {
      if (prop === "promoteDue") {
        return async (...args: Parameters<Ledger["promoteDue"]>) => {
          await gate;
          return target.promoteDue(...args);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const s = await leader(ctx, slow);
  await ctx.clock.advanceTo(tick);
  s.setLeader(false); // the lease was lost meanwhile
  open();
  await ctx.clock.advance(0);
  assert.equal(await ticks(ctx.ledger), []);
  assert.is(ctx.promoted.length, 1, "delayed jobs are promoted whatever the leadership");
});

test("a tick creates exactly one job, keyed recurring:<id>:<instant>, scheduled for the cron instant", async (ctx) => {
  await addRecurring(ctx);
  await leader(ctx);
  const tick = at("2026-01-01T02:00:00Z");
  assert.is((await ctx.ledger.getRecurring("daily-analytics"))!.nextExecution, tick, "the first pass computes the next instant");
  await ctx.clock.advanceTo(tick - 1);
  assert.equal(await ticks(ctx.ledger), [], "not a millisecond early");
  await ctx.clock.advanceTo(tick);
  const [job, ...more] = await ticks(ctx.ledger);
  assert.equal(more, []);
  assert.is(job.scheduledFor, tick);
  assert.is(job.type, "daily-analytics");
  assert.is(job.state, "Enqueued");
  assert.is(job.maxRetries, 10, "retries come from the job type");
  assert.is(job.createdAt, tick);
  assert.equal((await ctx.ledger.getJob(job.id))!.args, { top: 10 });
  const same = await ctx.ledger.write({
    now: tick,
    jobs: [{ type: "daily-analytics", args: null, state: "Enqueued", reason: "probe", maxRetries: 0, uniqueKey: `recurring:daily-analytics:${tick}` }],
  });
  assert.equal(same.jobs[0], { id: job.id, created: false }, "the job carries the tick's unique key");
  assert.is(ctx.work, 1);
  assert.equal(ctx.fired, [{ recurringId: "daily-analytics", instants: [tick], jobIds: [job.id], latenessMs: 0, now: tick }]);
  const rec = (await ctx.ledger.getRecurring("daily-analytics"))!;
  assert.is(rec.lastExecution, tick);
  assert.is(rec.nextExecution, at("2026-01-02T02:00:00Z"));
  assert.is(rec.lastJobId, job.id);
  assert.is(ctx.clock.nextTimerAt(), at("2026-01-02T02:00:00Z"), "the timer is armed for the next tick");
});

test("a recurring job keeps firing tick after tick", async (ctx) => {
  await addRecurring(ctx, { id: "popular-products", type: "popular-products", cron: "15 * * * *" });
  await leader(ctx);
  await ctx.clock.advanceTo("2026-01-01T04:00:00Z");
  assert.equal(await instants(ctx.ledger, "popular-products"), [
    "2026-01-01T00:15:00.000Z",
    "2026-01-01T01:15:00.000Z",
    "2026-01-01T02:15:00.000Z",
    "2026-01-01T03:15:00.000Z",
  ]);
  assert.ok(ctx.fired.every((f) => f.latenessMs === 0), "each fires at its instant");
});

test("with overlap skip a tick starts nothing while the last run waits, runs or waits for a retry, and the first tick after it finished runs", async (ctx) => {
  await addRecurring(ctx, { id: "popular-products", type: "popular-products", cron: "15 * * * *", overlap: "skip" });
  const skipped: RuntimeEventMap["recurring:skipped"][] = [];
  ctx.events.on("recurring:skipped", (e) => skipped.push(e));
  await leader(ctx);
  await ctx.clock.advanceTo("2026-01-01T00:15:00Z");
  const [first] = await ticks(ctx.ledger, "popular-products");
  await ctx.clock.advanceTo("2026-01-01T01:15:00Z"); // still Enqueued
  const claim = { serverId: "s1", slots: ["w1"], leaseUntil: ctx.clock.now() + 3_600_000 };
  assert.is((await ctx.ledger.write({ now: ctx.clock.now(), claim })).claimed[0].id, first.id);
  await ctx.clock.advanceTo("2026-01-01T02:15:00Z"); // Processing
  const retry = { jobId: first.id, from: ["Processing" as const], fence: { serverId: "s1", attempt: 1 }, to: "Scheduled" as const, reason: "Retry attempt 1 of 10", at: ctx.clock.now(), enqueueAt: at("2026-01-01T05:00:00Z") };
  assert.equal((await ctx.ledger.write({ now: ctx.clock.now(), transitions: [retry] })).applied, [true]);
  await ctx.clock.advanceTo("2026-01-01T03:15:00Z"); // Scheduled for its retry
  assert.equal(await instants(ctx.ledger, "popular-products"), ["2026-01-01T00:15:00.000Z"]);
  assert.equal(
    skipped.map((e) => [e.unfinishedJobId, e.instants.map(iso)]),
    [1, 2, 3].map((h) => [first.id, [`2026-01-01T0${h}:15:00.000Z`]]),
  );
  assert.ok(ctx.logs.records.some((r) => r.message === `Recurring job popular-products: a tick skipped, its run (job ${first.id}) is still Scheduled`));
  const rec = (await ctx.ledger.getRecurring("popular-products"))!;
  assert.is(iso(rec.lastExecution), "2026-01-01T03:15:00.000Z", "a skipped tick counts as processed");
  assert.is(iso(rec.nextExecution), "2026-01-01T04:15:00.000Z");
  await ctx.ledger.write({ now: ctx.clock.now(), transitions: [{ jobId: first.id, from: ["Scheduled"], to: "Deleted", reason: "Deleted by a test", at: ctx.clock.now() }] });
  await ctx.clock.advanceTo("2026-01-01T04:15:00Z");
  assert.equal(await instants(ctx.ledger, "popular-products"), ["2026-01-01T00:15:00.000Z", "2026-01-01T04:15:00.000Z"]);
});

test("with overlap skip a strict catch-up after downtime starts one run, not one per missed tick", async (ctx) => {
  await addRecurring(ctx, { misfire: "strict", overlap: "skip" });
  const first = await leader(ctx);
  await ctx.clock.advanceTo("2026-01-01T02:00:00Z");
  const [job] = await ticks(ctx.ledger);
  await ctx.ledger.write({ now: ctx.clock.now(), transitions: [{ jobId: job.id, from: ["Enqueued"], to: "Deleted", reason: "Done elsewhere", at: ctx.clock.now() }] });
  first.stop();
  await ctx.clock.advanceTo("2026-01-04T12:00:00Z");
  await leader(ctx);
  assert.equal(await instants(ctx.ledger), ["2026-01-01T02:00:00.000Z", "2026-01-04T02:00:00.000Z"]);
  assert.equal(ctx.fired.at(-1)!.instants.map(iso), ["2026-01-04T02:00:00.000Z"]);
  assert.ok(ctx.logs.records.some((r) => r.message === "Recurring job daily-analytics: 3 missed ticks run once (overlap: skip runs one at a time)"));
  assert.is(iso((await ctx.ledger.getRecurring("daily-analytics"))!.lastExecution), "2026-01-04T02:00:00.000Z");
});

test("with overlap skip an unfinished run of any kind counts, a triggered one included, not only the last tick's", async (ctx) => {
  await addRecurring(ctx, { id: "popular-products", type: "popular-products", cron: "15 * * * *", overlap: "skip" });
  const skipped: RuntimeEventMap["recurring:skipped"][] = [];
  ctx.events.on("recurring:skipped", (e) => skipped.push(e));
  await leader(ctx);
  // Triggered by hand (as the API's trigger does), and still waiting when the tick comes.
  const triggered = { type: "popular-products", args: null, state: "Enqueued" as const, reason: "Triggered using recurring job manager", maxRetries: 10, recurringId: "popular-products", scheduledFor: ctx.clock.now() };
  const [{ id }] = (await ctx.ledger.write({ now: ctx.clock.now(), jobs: [triggered] })).jobs;
  await ctx.clock.advanceTo("2026-01-01T00:15:00Z");
  assert.equal(await instants(ctx.ledger, "popular-products"), [iso(at("2026-01-01T00:00:00Z"))]);
  assert.equal(skipped.map((e) => e.unfinishedJobId), [id]);
});

async function downtime(ctx: Ctx, misfire: RecurringDefinition["misfire"]): Promise<Scheduler> {
  await addRecurring(ctx, { misfire });
  const first = await leader(ctx);
  await ctx.clock.advanceTo("2026-01-01T02:00:00Z");
  assert.equal(await instants(ctx.ledger), ["2026-01-01T02:00:00.000Z"]);
  first.stop(); // the process is down for three and a half days
  await ctx.clock.advanceTo("2026-01-04T12:00:00Z");
  return leader(ctx); // and back
}

test("after downtime a relaxed recurring job runs once for all the missed ticks", async (ctx) => {
  await downtime(ctx, "relaxed");
  assert.equal(await instants(ctx.ledger), ["2026-01-01T02:00:00.000Z", "2026-01-04T02:00:00.000Z"]);
  const rec = (await ctx.ledger.getRecurring("daily-analytics"))!;
  assert.is(iso(rec.nextExecution), "2026-01-05T02:00:00.000Z");
  assert.is(ctx.fired.at(-1)!.latenessMs, 10 * 3_600_000);
  await ctx.clock.advanceTo("2026-01-05T02:00:00Z");
  assert.is((await ticks(ctx.ledger)).length, 3, "and carries on as usual");
});

test("after downtime a strict recurring job runs once per missed tick", async (ctx) => {
  await downtime(ctx, "strict");
  assert.equal(await instants(ctx.ledger), [
    "2026-01-01T02:00:00.000Z",
    "2026-01-02T02:00:00.000Z",
    "2026-01-03T02:00:00.000Z",
    "2026-01-04T02:00:00.000Z",
  ]);
  assert.is(iso((await ctx.ledger.getRecurring("daily-analytics"))!.nextExecution), "2026-01-05T02:00:00.000Z");
});

test("after downtime an ignorable recurring job skips the old ticks", async (ctx) => {
  await downtime(ctx, "ignorable");
  assert.equal(await instants(ctx.ledger), ["2026-01-01T02:00:00.000Z"]);
  const rec = (await ctx.ledger.getRecurring("daily-analytics"))!;
  assert.is(iso(rec.nextExecution), "2026-01-05T02:00:00.000Z");
  await ctx.clock.advanceTo("2026-01-05T02:00:00Z");
  assert.equal((await instants(ctx.ledger)).at(-1), "2026-01-05T02:00:00.000Z", "the next tick runs normally");
});

test("two schedulers both leading over the same ledger create each tick's job once", async (ctx) => {
  await addRecurring(ctx, { id: "cache-warmup", type: "cache-warmup", cron: "0 */6 * * *" });
  const other = await SqliteLedger.open({ path: join(ctx.dir, "ledger.db"), clock: ctx.clock, retentionMs: 86_400_000 });
  ctx.extraLedgers.push(other);
  await leader(ctx); // "process" one
  await leader(ctx, other); // "process" two, on its own connection to the file
  await ctx.clock.advanceTo("2026-01-02T00:00:00Z");
  assert.equal(await instants(ctx.ledger, "cache-warmup"), [
    "2026-01-01T06:00:00.000Z",
    "2026-01-01T12:00:00.000Z",
    "2026-01-01T18:00:00.000Z",
    "2026-01-02T00:00:00.000Z",
  ]);
  assert.is(ctx.fired.length, 4, "one fire per tick, whichever leader made it");
});

test("a leader whose fire loses the race to another leader creates nothing", async (ctx) => {
  await addRecurring(ctx);
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let heldFires = 0;
  // Leader A reads the due tick, then stalls (a GC pause, a slow disk) before its fire commits.
  const slow = new Proxy(ctx.ledger, {
    get(target, prop) {
      if (prop === "fireRecurring") {
        return async (...args: Parameters<Ledger["fireRecurring"]>) => {
          heldFires++;
          await gate;
          return target.fireRecurring(...args);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  await leader(ctx, slow);
  await leader(ctx);
  await ctx.clock.advanceTo("2026-01-01T02:00:00Z");
  assert.is(heldFires, 1, "leader A was about to fire");
  assert.is((await ticks(ctx.ledger)).length, 1, "leader B fired");
  open();
  await ctx.clock.advance(0);
  assert.is((await ticks(ctx.ledger)).length, 1, "A's late fire is refused");
  assert.is(ctx.fired.length, 1);
  assert.is(ctx.work, 1);
});

test("a tick replayed after the recurring job was re-created creates no second job", async (ctx) => {
  await addRecurring(ctx);
  const s = await leader(ctx);
  await ctx.clock.advanceTo("2026-01-01T02:00:00Z");
  const [first] = await ticks(ctx.ledger);
  // The row comes back as it was before the tick (restored from an older copy, re-created by hand).
  s.setLeader(false);
  await ctx.ledger.removeRecurring("daily-analytics");
  await ctx.ledger.upsertRecurring(def(), ctx.clock.now(), at("2026-01-01T02:00:00Z"), false);
  await ctx.clock.advance(SEC);
  s.setLeader(true);
  await ctx.clock.advance(0);
  const after = await ticks(ctx.ledger);
  assert.equal(
    after.map((j) => j.id),
    [first.id],
    "the unique key keeps the tick's job single",
  );
  assert.is(ctx.work, 1, "no wake-up for a job that was not created");
  assert.is(iso((await ctx.ledger.getRecurring("daily-analytics"))!.nextExecution), "2026-01-02T02:00:00.000Z");
});

test("a disabled recurring job does not fire, and fires again once enabled", async (ctx) => {
  await addRecurring(ctx, { enabled: false });
  const s = await leader(ctx);
  assert.is(ctx.clock.pendingTimers, 0, "nothing to wake up for");
  await ctx.clock.advanceTo("2026-01-03T00:00:00Z");
  assert.equal(await ticks(ctx.ledger), []);
  await ctx.ledger.updateRecurring("daily-analytics", { enabled: true, nextExecution: at("2026-01-03T02:00:00Z") }, ctx.clock.now());
  await s.refreshRecurring();
  await ctx.clock.advanceTo("2026-01-03T02:00:00Z");
  assert.equal(await instants(ctx.ledger), ["2026-01-03T02:00:00.000Z"]);
});

test("disabling a recurring job after its timer was armed stops it at the next refresh", async (ctx) => {
  await addRecurring(ctx);
  const s = await leader(ctx);
  await ctx.ledger.updateRecurring("daily-analytics", { enabled: false, nextExecution: null }, ctx.clock.now());
  await s.refreshRecurring();
  await ctx.clock.advanceTo("2026-01-02T03:00:00Z");
  assert.equal(await ticks(ctx.ledger), []);
});

test("an edited schedule re-arms the timer on refresh", async (ctx) => {
  await addRecurring(ctx);
  const s = await leader(ctx);
  await ctx.ledger.updateRecurring("daily-analytics", { cron: "30 0 * * *", nextExecution: null }, ctx.clock.now());
  await s.refreshRecurring();
  await ctx.clock.advanceTo("2026-01-01T00:30:00Z");
  assert.equal(await instants(ctx.ledger), ["2026-01-01T00:30:00.000Z"]);
  await ctx.clock.advanceTo("2026-01-01T02:00:00Z");
  assert.is((await ticks(ctx.ledger)).length, 1, "the old 02:00 instant is gone");
});

test("a bad stored cron disables only that job, with its error", async (ctx) => {
  await addRecurring(ctx);
  await addRecurring(ctx, { id: "broken", name: "Broken", cron: "61 2 * * *" });
  await addRecurring(ctx, { id: "nowhere", name: "Nowhere", timeZone: "Mars/Olympus_Mons" });
  await leader(ctx);
  const broken = (await ctx.ledger.getRecurring("broken"))!;
  assert.is(broken.nextExecution, null);
  assert.match(broken.error ?? "", /minute 61 is out of range/);
  const nowhere = (await ctx.ledger.getRecurring("nowhere"))!;
  assert.is(nowhere.nextExecution, null);
  assert.match(nowhere.error ?? "", /Mars\/Olympus_Mons/);
  await ctx.clock.advanceTo("2026-01-01T02:00:00Z");
  assert.equal(await instants(ctx.ledger), ["2026-01-01T02:00:00.000Z"], "the healthy job still fires");
  assert.equal(await ticks(ctx.ledger, "broken"), []);
  assert.is((await ctx.ledger.getRecurring("daily-analytics"))!.error, null);
});

// ---------------------------------------------------------------- DST

async function firesOnDay(ctx: Ctx, cron: string, timeZone: string, to: string) {
  await addRecurring(ctx, { cron, timeZone });
  await leader(ctx);
  await ctx.clock.advanceTo(to);
  const fired = ctx.fired.map((f) => ({ instants: f.instants.map(iso), at: iso(f.now) }));
  return { fired, jobs: await instants(ctx.ledger) };
}

test("30 2 * * * in Europe/Berlin fires once at 01:00Z on the spring-forward day 2026-03-29", async (ctx) => {
  await startAt(ctx, "2026-03-28T23:00:00Z"); // Berlin midnight
  const r = await firesOnDay(ctx, "30 2 * * *", "Europe/Berlin", "2026-03-29T22:00:00Z");
  assert.equal(r.jobs, ["2026-03-29T01:00:00.000Z"], "02:30 does not exist: it runs at the jump, 03:00 CEST");
  assert.equal(r.fired, [{ instants: ["2026-03-29T01:00:00.000Z"], at: "2026-03-29T01:00:00.000Z" }]);
});

test("30 1 * * * in America/New_York fires once on the fall-back day 2026-11-01", async (ctx) => {
  await startAt(ctx, "2026-11-01T04:00:00Z"); // New York midnight, EDT
  const r = await firesOnDay(ctx, "30 1 * * *", "America/New_York", "2026-11-02T04:59:59Z");
  assert.equal(r.jobs, ["2026-11-01T05:30:00.000Z"], "01:30 EDT, not again at 01:30 EST");
  assert.equal(r.fired, [{ instants: ["2026-11-01T05:30:00.000Z"], at: "2026-11-01T05:30:00.000Z" }]);
});

test("30 2 * * * in America/New_York runs at the jump on the spring-forward day 2026-03-08", async (ctx) => {
  await startAt(ctx, "2026-03-08T05:00:00Z"); // New York midnight, EST
  const r = await firesOnDay(ctx, "30 2 * * *", "America/New_York", "2026-03-09T03:59:59Z");
  assert.equal(r.jobs, ["2026-03-08T07:00:00.000Z"]);
});

test("30 2 * * * in Europe/Berlin fires once on the fall-back day 2026-10-25", async (ctx) => {
  await startAt(ctx, "2026-10-24T22:00:00Z"); // Berlin midnight, CEST
  const r = await firesOnDay(ctx, "30 2 * * *", "Europe/Berlin", "2026-10-25T22:59:59Z");
  assert.equal(r.jobs, ["2026-10-25T00:30:00.000Z"], "02:30 CEST, the first pass only");
});

test.run();
