// Two LeaderLease instances ("two processes") on one SQLite ledger and one VirtualClock: exactly one
// leads; when the leader stops renewing, the other takes over within TTL + TTL/3.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { RuntimeEvents } from "../../../src/actors/runtime/events.ts";
import { LeaderLease } from "../../../src/actors/runtime/leader-lease.ts";
import { VirtualClock } from "../../../src/actors/runtime/virtual-clock.ts";
import type { Ledger } from "../../../src/ledger/ledger.ts";
import { SqliteLedger } from "../../../src/ledger/sqlite-ledger.ts";
import { createLogger, memorySink } from "../../../src/logger.ts";

const TTL = 3000;
const RENEW = TTL / 3;

interface Change {
  serverId: string;
  leader: boolean;
  at: number;
}

interface Ctx {
  dir: string;
  clock: VirtualClock;
  ledger: SqliteLedger;
  events: RuntimeEvents;
  logs: ReturnType<typeof memorySink>;
  changes: Change[];
  onChange: Record<string, boolean[]>;
  leases: LeaderLease[];
  make(owner: string, ledger?: Ledger): LeaderLease;
}

const test = suite<Ctx>("leader lease");

test.before.each(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), "cj-lease-"));
  ctx.clock = new VirtualClock("2026-01-01T00:00:00Z");
  ctx.ledger = await SqliteLedger.open({ path: join(ctx.dir, "ledger.db"), clock: ctx.clock, retentionMs: 86_400_000 });
  ctx.events = new RuntimeEvents();
  ctx.logs = memorySink();
  ctx.changes = [];
  ctx.onChange = {};
  ctx.leases = [];
  ctx.events.on("leader:changed", (e) => ctx.changes.push({ ...e, at: ctx.clock.now() }));
  const logger = createLogger({ category: "lease-test", sink: ctx.logs, level: "debug", now: () => ctx.clock.now() });
  ctx.make = (owner, ledger = ctx.ledger) => {
    ctx.onChange[owner] = [];
    const l = new LeaderLease(
      { ledger, clock: ctx.clock, events: ctx.events, logger },
      { name: "scheduler", owner, ttlMs: TTL, onChange: (leader) => ctx.onChange[owner].push(leader) },
    );
    ctx.leases.push(l);
    return l;
  };
});

test.after.each(async (ctx) => {
  for (const l of ctx.leases) await Promise.race([l.stop(), new Promise((r) => setImmediate(r))]);
  await ctx.ledger.close();
  assert.is(ctx.clock.pendingTimers, 0, "stopped leases leave no timer armed");
  rmSync(ctx.dir, { recursive: true, force: true });
});

/** A view of the ledger whose calls can be made to fail or to hang, like a sick process's. */
function sickLedger(ledger: Ledger) {
  const state = { mode: "ok" as "ok" | "fail" | "hang", failRelease: false };
  const view = new Proxy(ledger, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== "function") return v;
      return (...args: unknown[]) => {
        if (state.mode === "hang") return new Promise(() => undefined);
        if (state.mode === "fail") return Promise.reject(new Error("SQLITE_IOERR: disk I/O error"));
        if (prop === "releaseLease" && state.failRelease) return Promise.reject(new Error("connection reset"));
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { view, state };
}

const leaderOf = (ctx: Ctx) => ctx.leases.filter((l) => l.isLeader).length;

async function lastRenewal(ctx: Ctx): Promise<number> {
  return (await ctx.ledger.getLease("scheduler"))!.expiresAt - TTL;
}

test("of two instances on one ledger exactly one leads, and keeps leading while it renews", async (ctx) => {
  const a = ctx.make("server-a");
  const b = ctx.make("server-b");
  await a.start();
  await ctx.clock.advance(10);
  await b.start();
  assert.is(a.isLeader, true);
  assert.is(b.isLeader, false);
  for (let i = 0; i < 30; i++) {
    await ctx.clock.advance(TTL / 2);
    assert.is(leaderOf(ctx), 1, `exactly one leader at ${i}`);
    assert.is(a.isLeader, true);
  }
  assert.equal(ctx.changes, [{ serverId: "server-a", leader: true, at: ctx.clock.now() - 30 * (TTL / 2) - 10 }]);
  assert.equal(ctx.onChange, { "server-a": [true], "server-b": [] });
  assert.is(a.token, 1);
});

test("a stopped leader releases the lease and the other takes over at its next renewal", async (ctx) => {
  const a = ctx.make("server-a");
  const b = ctx.make("server-b");
  await a.start();
  await ctx.clock.advance(10);
  await b.start();
  await ctx.clock.advance(5 * TTL + 500);
  const stoppedAt = ctx.clock.now();
  await a.stop();
  assert.is(a.isLeader, false);
  await ctx.clock.advance(RENEW);
  assert.is(b.isLeader, true);
  const took = ctx.changes.find((c) => c.serverId === "server-b" && c.leader)!;
  assert.ok(took.at - stoppedAt <= RENEW, `took over ${took.at - stoppedAt} ms after the release`);
  assert.equal(
    ctx.changes.map((c) => [c.serverId, c.leader]),
    [
      ["server-a", true],
      ["server-a", false],
      ["server-b", true],
    ],
  );
  assert.is(b.token, 2, "the fencing token moves on with the new owner");
});

test("when the leader stops without releasing, the other takes over within TTL + TTL/3", async (ctx) => {
  const sick = sickLedger(ctx.ledger);
  const a = ctx.make("server-a", sick.view);
  const b = ctx.make("server-b");
  await a.start();
  await ctx.clock.advance(137);
  await b.start();
  await ctx.clock.advance(4 * TTL + 250);
  sick.state.failRelease = true; // the release is lost: the lease must lapse by itself
  await a.stop();
  const renewed = await lastRenewal(ctx);
  assert.is(a.isLeader, false);
  assert.is(b.isLeader, false, "the lease still runs");
  await ctx.clock.advanceTo(renewed + TTL - 1);
  assert.is(b.isLeader, false, "not before the lease lapses");
  await ctx.clock.advanceTo(renewed + TTL + RENEW);
  assert.is(b.isLeader, true);
  const took = ctx.changes.find((c) => c.serverId === "server-b" && c.leader)!;
  assert.ok(took.at >= renewed + TTL && took.at <= renewed + TTL + RENEW, `took over at +${took.at - renewed} ms`);
  assert.equal(ctx.onChange["server-b"], [true]);
});

test("when the leader's process is gone (its calls never return), the other takes over within TTL + TTL/3", async (ctx) => {
  const sick = sickLedger(ctx.ledger);
  const a = ctx.make("server-a", sick.view);
  const b = ctx.make("server-b");
  await a.start();
  await ctx.clock.advance(400);
  await b.start();
  await ctx.clock.advance(2 * TTL);
  const renewed = await lastRenewal(ctx);
  sick.state.mode = "hang"; // frozen or killed: no renewal, no release
  await ctx.clock.advanceTo(renewed + TTL + RENEW);
  assert.is(b.isLeader, true);
  const took = ctx.changes.find((c) => c.serverId === "server-b" && c.leader)!;
  assert.ok(took.at <= renewed + TTL + RENEW, `took over at +${took.at - renewed} ms`);
  await ctx.clock.advance(10 * TTL);
  assert.is(b.isLeader, true, "and keeps it");
});

test("a leader that cannot reach the ledger steps down, and leads again when it can", async (ctx) => {
  const sick = sickLedger(ctx.ledger);
  const a = ctx.make("server-a", sick.view);
  await a.start();
  assert.is(a.isLeader, true);
  sick.state.mode = "fail";
  await ctx.clock.advance(RENEW);
  assert.is(a.isLeader, false, "it cannot know it still leads");
  assert.ok(
    ctx.logs.records.some((r) => r.level === "warn" && /scheduler lease/.test(r.message)),
    "the failure is logged",
  );
  sick.state.mode = "ok";
  await ctx.clock.advance(RENEW);
  assert.is(a.isLeader, true);
  assert.equal(ctx.onChange["server-a"], [true, false, true]);
});

test("stopping a follower leaves the leader's lease alone", async (ctx) => {
  const a = ctx.make("server-a");
  const b = ctx.make("server-b");
  await a.start();
  await b.start();
  await b.stop();
  const lease = (await ctx.ledger.getLease("scheduler"))!;
  assert.is(lease.owner, "server-a");
  assert.ok(lease.expiresAt > ctx.clock.now());
  assert.is(a.isLeader, true);
});

test("a stop that races a renewal in flight leaves the lease released and the instance not leading", async (ctx) => {
  let hold: Promise<void> | null = null;
  let open!: () => void;
  const gated = new Proxy(ctx.ledger, {
    get(target, prop) {
      if (prop === "acquireLease") {
        return async (...args: Parameters<Ledger["acquireLease"]>) => {
          if (hold) await hold;
          return target.acquireLease(...args);
        };
      }
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const a = ctx.make("server-a", gated);
  const b = ctx.make("server-b");
  await a.start();
  await ctx.clock.advance(10);
  await b.start();
  hold = new Promise<void>((r) => (open = r));
  await ctx.clock.advance(RENEW); // a's renewal is now waiting on the database
  const stopping = a.stop();
  open();
  await stopping;
  await ctx.clock.advance(0);
  assert.is(a.isLeader, false);
  assert.equal(ctx.changes.filter((c) => c.serverId === "server-a").at(-1)!.leader, false, "the last word is 'no longer leading'");
  assert.equal(ctx.onChange["server-a"], [true, false]);
  await ctx.clock.advance(RENEW);
  assert.is(b.isLeader, true, "the other takes over at its next renewal, not a TTL later");
});

test.run();
