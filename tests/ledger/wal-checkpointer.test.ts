// The ledger's WAL checkpoints in a thread of their own: started by a burst of commits, doing
// the checkpoints the committing thread no longer does, gone when the ledger closes, and never
// a reason to lose a write — not when its thread cannot start, not when it dies.
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { LEDGER_CHECKPOINT_ENTRY } from "../../src/actors/runtime/entry-points.ts";
import { VirtualClock } from "../../src/actors/runtime/virtual-clock.ts";
import { SqliteLedger } from "../../src/ledger/sqlite-ledger.ts";
import { WalCheckpointer } from "../../src/ledger/wal-checkpointer.ts";

type Ctx = { dir: string; path: string; clock: VirtualClock; ledger: SqliteLedger | null };
const test = suite<Ctx>("WAL checkpoints in their own thread");
test.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), "cj-ckpt-"));
  ctx.path = join(ctx.dir, "ledger.db");
  ctx.clock = new VirtualClock("2026-03-01T12:00:00.000Z");
  ctx.ledger = null;
});
test.after.each(async (ctx) => {
  await ctx.ledger?.close();
  rmSync(ctx.dir, { recursive: true, force: true });
});

const job = { type: "t", args: { pad: "x".repeat(2000) }, state: "Enqueued" as const, reason: "test", maxRetries: 10 };

async function commits(ledger: SqliteLedger, n: number, now: number) {
  for (let i = 0; i < n; i++) await ledger.write({ now, jobs: [job, job] });
}

test("commits that write no job rows (heartbeats, empty claims) never start the thread", async (ctx) => {
  const ledger = (ctx.ledger = await SqliteLedger.open({ path: ctx.path, clock: ctx.clock, retentionMs: 86_400_000, checkpointerEntryUrl: LEDGER_CHECKPOINT_ENTRY(), checkpointAfterRows: 32 }));
  for (let i = 0; i < 100; i++) await ledger.write({ now: ctx.clock.now(), claim: { serverId: "s", slots: ["w"], leaseUntil: ctx.clock.now() + 1000 } });
  await ledger.settleCheckpoints();
  assert.is(ledger.checkpointStats().running, false);
  await commits(ledger, 16, ctx.clock.now());
  await ledger.settleCheckpoints();
  assert.is(ledger.checkpointStats().running, true, "32 job rows did");
});

test("a burst of commits starts the thread, which checkpoints the WAL while the ledger keeps committing", async (ctx) => {
  const ledger = (ctx.ledger = await SqliteLedger.open({ path: ctx.path, clock: ctx.clock, retentionMs: 86_400_000, checkpointerEntryUrl: LEDGER_CHECKPOINT_ENTRY(), checkpointAfterRows: 32 }));
  assert.is(ledger.checkpointStats().running, false, "no thread before there is work for it");
  await commits(ledger, 40, ctx.clock.now());
  await ledger.settleCheckpoints();
  const stats = ledger.checkpointStats();
  assert.ok(stats.running, "the thread runs after a burst");
  assert.ok(stats.checkpoints >= 1, `checkpoints ran: ${stats.checkpoints}`);
  assert.is(stats.lastError, null);
  assert.ok(statSync(ctx.path).size > 80 * 2000, "pages reached the database file, not only the WAL");
  assert.is((await ledger.countByState()).Enqueued, 80);
});

test("the thread stops when idle and when the ledger closes; a later burst starts it again", async (ctx) => {
  const ledger = (ctx.ledger = await SqliteLedger.open({ path: ctx.path, clock: ctx.clock, retentionMs: 86_400_000, checkpointerEntryUrl: LEDGER_CHECKPOINT_ENTRY(), checkpointAfterRows: 32 }));
  await commits(ledger, 16, ctx.clock.now());
  await ledger.settleCheckpoints();
  assert.ok(ledger.checkpointStats().running);
  await ctx.clock.advance(60_000);
  await ledger.settleCheckpoints();
  for (let i = 0; i < 50 && ledger.checkpointStats().running; i++) await new Promise((r) => setImmediate(r));
  assert.is(ledger.checkpointStats().running, false, "stopped after a quiet spell");
  await commits(ledger, 16, ctx.clock.now());
  await ledger.settleCheckpoints();
  assert.ok(ledger.checkpointStats().running, "started again by the next burst");
  assert.ok(ledger.checkpointStats().checkpoints >= 2);
  await ledger.close();
  ctx.ledger = null;
  assert.is(ledger.checkpointStats().running, false);
});

test("a checkpoint thread that cannot start costs nothing but speed: every write lands", async (ctx) => {
  const broken = new URL("./no-such-entry.ts", import.meta.url).href;
  const ledger = (ctx.ledger = await SqliteLedger.open({ path: ctx.path, clock: ctx.clock, retentionMs: 86_400_000, checkpointerEntryUrl: broken, checkpointAfterRows: 32 }));
  await commits(ledger, 40, ctx.clock.now());
  await ledger.settleCheckpoints();
  assert.is(ledger.checkpointStats().running, false);
  await commits(ledger, 40, ctx.clock.now());
  assert.is((await ledger.countByState()).Enqueued, 160);
});

test("a checkpoint thread killed mid-burst is replaced at the next nudge, and nothing is lost", async (ctx) => {
  const ledger = (ctx.ledger = await SqliteLedger.open({ path: ctx.path, clock: ctx.clock, retentionMs: 86_400_000, checkpointerEntryUrl: LEDGER_CHECKPOINT_ENTRY(), checkpointAfterRows: 32 }));
  await commits(ledger, 16, ctx.clock.now());
  await ledger.settleCheckpoints();
  const before = ledger.checkpointStats().checkpoints;
  await ledger.killCheckpointerForTests();
  assert.is(ledger.checkpointStats().running, false);
  await commits(ledger, 32, ctx.clock.now());
  await ledger.settleCheckpoints();
  assert.ok(ledger.checkpointStats().running, "a new thread took over");
  assert.ok(ledger.checkpointStats().checkpoints > before);
  assert.is((await ledger.countByState()).Enqueued, 96);
});

test("closing the ledger while its checkpoint thread starts waits for that thread: no WAL file is left behind", async (ctx) => {
  const ledger = await SqliteLedger.open({ path: ctx.path, clock: ctx.clock, retentionMs: 86_400_000, checkpointerEntryUrl: LEDGER_CHECKPOINT_ENTRY(), checkpointAfterRows: 32 });
  await commits(ledger, 16, ctx.clock.now()); // the thread is starting now
  await ledger.close();
  assert.is(ledger.checkpointStats().running, false);
  assert.is(existsSync(ctx.path + "-wal"), false, "the last connection to close removes the WAL");
});

test("WalCheckpointer coalesces nudges that arrive while a checkpoint runs", async (ctx) => {
  const ledger = (ctx.ledger = await SqliteLedger.open({ path: ctx.path, clock: ctx.clock, retentionMs: 86_400_000 }));
  await commits(ledger, 5, ctx.clock.now());
  const c = await WalCheckpointer.start(LEDGER_CHECKPOINT_ENTRY(), ctx.path);
  try {
    for (let i = 0; i < 10; i++) c.nudge();
    await c.idle();
    assert.is(c.stats.checkpoints, 2, "one running, one more for everything that came meanwhile");
  } finally {
    await c.close();
  }
  assert.is(c.alive, false);
});

test.run();
