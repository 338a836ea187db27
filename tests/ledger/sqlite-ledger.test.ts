// The SQLite ledger: the shared conformance suite on a temp-dir file, then what only a file shared
// by several connections (processes) has: cross-connection visibility, the data_version wake-up,
// trigger-maintained counts, and nothing orphaned by a purge.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { VirtualClock } from "../../src/actors/runtime/virtual-clock.ts";
import { JOB_STATES } from "../../src/ledger/ledger.ts";
import { SqliteLedger } from "../../src/ledger/sqlite-ledger.ts";
import { openDatabase } from "../../src/sqlite/sqlite.ts";
import { CONFORMANCE_RETENTION_MS, ledgerConformance } from "./ledger-conformance.ts";

const START = "2026-03-01T12:00:00.000Z";

function tempDir() {
  const path = mkdtempSync(join(tmpdir(), "cj-ledger-"));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

ledgerConformance("sqlite", async () => {
  const dir = tempDir();
  const clock = new VirtualClock(START);
  const ledger = await SqliteLedger.open({ path: join(dir.path, "ledger.db"), clock, retentionMs: CONFORMANCE_RETENTION_MS });
  return {
    ledger,
    clock,
    async close() {
      await ledger.close();
      dir.remove();
    },
  };
});

type Ctx = { dir: ReturnType<typeof tempDir>; clock: VirtualClock; path: string; open: SqliteLedger[] };

const test = suite<Ctx>("sqlite ledger on a shared file");
test.before.each((ctx) => {
  ctx.dir = tempDir();
  ctx.clock = new VirtualClock(START);
  ctx.path = join(ctx.dir.path, "ledger.db");
  ctx.open = [];
});
test.after.each(async (ctx) => {
  for (const l of ctx.open) await l.close();
  assert.is(ctx.clock.pendingTimers, 0, "closed ledgers leave no timer armed");
  ctx.dir.remove();
});

async function openLedger(ctx: Ctx, externalChangePollMs = 100): Promise<SqliteLedger> {
  const l = await SqliteLedger.open({ path: ctx.path, clock: ctx.clock, retentionMs: CONFORMANCE_RETENTION_MS, externalChangePollMs });
  ctx.open.push(l);
  return l;
}

const job = { type: "t", args: null, state: "Enqueued" as const, reason: "test", maxRetries: 10 };

test("a Processing row kept by an earlier ledger version is neither shown nor kept twice", async (ctx) => {
  const ledger = await openLedger(ctx);
  const now = ctx.clock.now();
  const { jobs } = await ledger.write({ now, jobs: [job] });
  const id = jobs[0].id;
  const [claimed] = (await ledger.write({ now: now + 1000, claim: { serverId: "s1", slots: ["w1"], leaseUntil: now + 5000 } })).claimed;
  // What ledgers before 2026-11-29 wrote at every claim.
  const raw = await openDatabase(ctx.path);
  raw.prepare("INSERT INTO job_states (job_id, state, reason, at, data) VALUES (?, 'Processing', NULL, ?, ?)").run(Number(id), now + 1000, JSON.stringify({ serverId: "s1", workerId: "w1" }));
  raw.close();
  assert.equal(
    (await ledger.getJob(id))!.history.map((h) => h.state),
    ["Enqueued", "Processing"],
  );
  const requeue = { jobId: id, from: ["Processing" as const], fence: { serverId: "s1", attempt: claimed.attempt }, to: "Enqueued" as const, reason: "Requeued by a test", at: now + 2000 };
  assert.equal((await ledger.write({ now: now + 2000, transitions: [requeue] })).applied, [true]);
  assert.equal(
    (await ledger.getJob(id))!.history.map((h) => h.state),
    ["Enqueued", "Processing", "Enqueued"],
  );
});

test("a lone new job claimed as it is inserted goes to its worker before its row is written, with the id the row gets", async (ctx) => {
  const ledger = await openLedger(ctx);
  const now = ctx.clock.now();
  await ledger.write({ now, jobs: [job, job] }); // ids 1 and 2, claimed by nobody
  // What the hand-off saw: the ids, and whether the transaction it runs in had written the row yet
  // (getJob reads synchronously, inside that transaction).
  let seen: { ids: string[]; row: Promise<unknown> }[] = [];
  const claim = () => ({
    serverId: "s",
    slots: ["s:w1"],
    leaseUntil: now + 30_000,
    claimNew: true,
    handOff: (jobs: { id: string }[]) => void seen.push({ ids: jobs.map((j) => j.id), row: ledger.getJob(jobs[0].id) }),
  });
  const r = await ledger.write({ now, jobs: [job], claim: claim() });
  assert.equal(r.jobs, [{ id: "3", created: true }]);
  assert.equal(r.claimed.map((c) => c.id), ["3"]);
  assert.equal(seen.map((x) => x.ids), [["3"]]);
  assert.is(await seen[0].row, null, "handed off as job 3 before row 3 was written");
  assert.is((await ledger.getJob("3"))!.state, "Processing");
  // With a unique key the INSERT may be a no-op: such a job is handed off once its row is written.
  seen = [];
  const keyed = await ledger.write({ now, jobs: [{ ...job, uniqueKey: "k1" }], claim: claim() });
  assert.equal(seen.map((x) => x.ids), [[keyed.jobs[0].id]]);
  assert.ok(await seen[0].row, "its row was there");
  seen = [];
  const again = await ledger.write({ now, jobs: [{ ...job, uniqueKey: "k1" }], claim: claim() });
  assert.equal(again.jobs, [{ id: keyed.jobs[0].id, created: false }]);
  assert.equal(seen.map((x) => x.ids), [["1"]], "the existing job is not claimed again; the slot takes the oldest waiting one");
});

test("two ledgers on one file see each other's commits", async (ctx) => {
  const a = await openLedger(ctx);
  const b = await openLedger(ctx);
  const now = ctx.clock.now();
  const [{ id }] = (await a.write({ now, jobs: [job] })).jobs;
  assert.is((await b.getJob(id))!.state, "Enqueued");
  const [claimed] = (await b.write({ now, claim: { serverId: "b", slots: ["w"], leaseUntil: now + 1000 } })).claimed;
  assert.is(claimed.id, id);
  assert.equal((await a.write({ now, claim: { serverId: "a", slots: ["w"], leaseUntil: now + 1000 } })).claimed, [], "a cannot claim what b holds");
  assert.is((await a.getJob(id))!.serverId, "b");
  assert.is((await a.countByState()).Processing, 1);
});

test("onExternalChange fires on the other ledger after a commit, at its next poll", async (ctx) => {
  const a = await openLedger(ctx);
  const b = await openLedger(ctx);
  let calls = 0;
  const off = b.onExternalChange(() => calls++);
  await ctx.clock.advance(250);
  assert.is(calls, 0, "nothing changed yet");
  await a.write({ now: ctx.clock.now(), jobs: [job] });
  assert.is(calls, 0, "the wake-up waits for the poll");
  await ctx.clock.advance(100);
  assert.is(calls, 1);
  await ctx.clock.advance(1000);
  assert.is(calls, 1, "one commit, one wake-up");
  await a.upsertRecurring({ id: "r", name: "r", type: "t", args: null, cron: "0 2 * * *", timeZone: "UTC", misfire: "relaxed" }, ctx.clock.now(), null, false);
  await ctx.clock.advance(100);
  assert.is(calls, 2, "recurring edits wake it too");
  off();
  await a.write({ now: ctx.clock.now(), jobs: [job] });
  await ctx.clock.advance(1000);
  assert.is(calls, 2, "no call after unsubscribing");
  assert.is(ctx.clock.pendingTimers, 0, "polling stops when nobody listens");
});

test("a ledger's own commits do not wake its own listeners", async (ctx) => {
  const a = await openLedger(ctx);
  let calls = 0;
  a.onExternalChange(() => calls++);
  await a.write({ now: ctx.clock.now(), jobs: [job] });
  await ctx.clock.advance(500);
  assert.is(calls, 0);
});

test("the external-change poll runs at the configured interval", async (ctx) => {
  const a = await openLedger(ctx);
  const b = await openLedger(ctx, 1000);
  let calls = 0;
  b.onExternalChange(() => calls++);
  await a.write({ now: ctx.clock.now(), jobs: [job] });
  await ctx.clock.advance(999);
  assert.is(calls, 0);
  await ctx.clock.advance(1);
  assert.is(calls, 1);
});

test("closing a ledger disarms its poll timer", async (ctx) => {
  const b = await openLedger(ctx);
  b.onExternalChange(() => undefined);
  assert.is(ctx.clock.pendingTimers, 1);
  await b.close();
  assert.is(ctx.clock.pendingTimers, 0);
});

test("state counts kept by the write path match a full count after a mixed workload", async (ctx) => {
  const a = await openLedger(ctx);
  const now = ctx.clock.now();
  await a.write({ now, jobs: [job, job, job, job, { ...job, state: "Scheduled", enqueueAt: now + 10 }] });
  const { claimed } = await a.write({ now, claim: { serverId: "s1", slots: ["w1", "w2", "w3"], leaseUntil: now + 1000 } });
  await a.write({
    now,
    transitions: [
      { jobId: claimed[0].id, from: ["Processing"], fence: { serverId: "s1", attempt: 1 }, to: "Succeeded", reason: null, at: now },
      { jobId: claimed[1].id, from: ["Processing"], fence: { serverId: "s1", attempt: 1 }, to: "Failed", reason: "x", at: now },
      { jobId: claimed[2].id, from: ["Enqueued", "Failed", "Processing"], to: "Deleted", reason: "y", at: now },
    ],
  });
  await a.promoteDue(now + 10, 10);
  await a.recoverExpired(now + 5000, 10);
  await a.purgeExpired(now + 2 * 86_400_000, 10);
  const raw = await openDatabase(ctx.path);
  try {
    const truth = Object.fromEntries(raw.prepare("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state").all<{ state: string; n: number }>().map((r) => [r.state, r.n]));
    const counts = await a.countByState();
    for (const [state, n] of Object.entries(counts)) assert.is(n, truth[state] ?? 0, state);
  } finally {
    raw.close();
  }
});

test("purgeExpired leaves no history or log rows of the jobs it deleted", async (ctx) => {
  const a = await openLedger(ctx);
  const now = ctx.clock.now();
  const ids = (await a.write({ now, jobs: [job, job] })).jobs.map((j) => j.id);
  await a.write({
    now,
    logs: ids.map((jobId) => ({ jobId, at: now, level: "info" as const, message: "line" })),
    transitions: [{ jobId: ids[0], from: ["Enqueued"], to: "Deleted", reason: null, at: now }],
  });
  assert.is(await a.purgeExpired(now + CONFORMANCE_RETENTION_MS + 1, 100), 1);
  const raw = await openDatabase(ctx.path);
  try {
    const count = (sql: string) => raw.prepare(sql).get<{ n: number }>(Number(ids[0]))!.n;
    assert.is(count("SELECT COUNT(*) AS n FROM job_states WHERE job_id = ?"), 0);
    assert.is(count("SELECT COUNT(*) AS n FROM job_logs WHERE job_id = ?"), 0);
    assert.is(raw.prepare("SELECT COUNT(*) AS n FROM job_logs").get<{ n: number }>()!.n, 1, "the other job's line stays");
  } finally {
    raw.close();
  }
});

test("reopening the file keeps the jobs and applies no migration twice", async (ctx) => {
  const a = await openLedger(ctx);
  const [{ id }] = (await a.write({ now: ctx.clock.now(), jobs: [job] })).jobs;
  await a.close();
  ctx.open = [];
  const again = await openLedger(ctx);
  await again.migrate();
  assert.is((await again.getJob(id))!.state, "Enqueued");
  assert.is((await again.countByState()).Enqueued, 1, "the counts were not reset by a second migration");
});

test("every state's job list seeks its rows by an index, Succeeded too", async (ctx) => {
  await openLedger(ctx);
  const raw = await openDatabase(ctx.path);
  try {
    // The shape listJobs sends for a state's tab: first page, and an older page.
    for (const state of JOB_STATES) {
      for (const [sql, params] of [
        ["SELECT id, type, state FROM jobs WHERE state = ? ORDER BY id DESC LIMIT ?", [state, 21]],
        ["SELECT id, type, state FROM jobs WHERE state = ? AND id < ? ORDER BY id DESC LIMIT ?", [state, 500_000, 21]],
      ] as const) {
        const plan = raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all<{ detail: string }>(...params).map((r) => r.detail).join(" | ");
        // Walking the primary key instead reads every newer row of other states first: the whole
        // table when none is in this state (an outage's Failed jobs, a backlog, no success yet).
        assert.match(plan, /USING (COVERING )?INDEX jobs_/, `${state}: ${plan}`);
      }
    }
  } finally {
    raw.close();
  }
});

test.run();
