// The SQLite ledger against a model of it: random batches of new jobs (unique keys, Scheduled,
// other queues), claims (direct, collecting successes), transitions with right, wrong and stale
// fences, several `from` states, via Failed, releaseAttempt and explicit expiries; between them
// promoteDue, recoverExpired and purgeExpired. After every step: state counts equal COUNT(*),
// every job's state, attempt, expiry, lease and whole history equal the model's, and so do the
// statistics totals. It found batch-order and reason bugs in fenced successes (seeds 1, 3, 4, 12).
// More seeds: LEDGER_MODEL_SEEDS=200 npx tsx tests/ledger/ledger-model.test.ts
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { isDeepStrictEqual } from "node:util";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { VirtualClock } from "../../src/actors/runtime/virtual-clock.ts";
import type { ClaimRequest, JobState, NewJob, Transition } from "../../src/ledger/ledger.ts";
import { JOB_STATES } from "../../src/ledger/ledger.ts";
import { SqliteLedger } from "../../src/ledger/sqlite-ledger.ts";
import { openDatabase } from "../../src/sqlite/sqlite.ts";

const RET = 100_000;

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

type Rec = { state: JobState; reason: string | null; at: number; data: Record<string, unknown> | null };
type MJob = {
  id: string;
  state: JobState;
  attempt: number;
  maxRetries: number;
  serverId: string | null;
  workerId: string | null;
  leaseUntil: number | null;
  enqueueAt: number | null;
  expiresAt: number | null;
  uniqueKey: string | null;
  queue: string;
  history: Rec[];
};

async function run(seed: number, steps: number): Promise<string | null> {
  const R = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(R() * a.length)];
  const int = (n: number) => Math.floor(R() * n);
  const dir = mkdtempSync(join(tmpdir(), "fuzz-"));
  const clock = new VirtualClock(1_700_000_000_000);
  const ledger = await SqliteLedger.open({ path: join(dir, "l.db"), clock, retentionMs: RET });
  const raw = await openDatabase(join(dir, "l.db"));
  const jobs = new Map<string, MJob>();
  let now = clock.now();
  const servers = ["s1", "s2"];
  const log: string[] = [];
  const purgedTally: Record<string, number> = {};
  const fail = (msg: string) => `seed ${seed}: ${msg}\n--- last ops:\n${log.slice(-8).join("\n")}`;
  try {
    for (let step = 0; step < steps; step++) {
      now += 1 + int(3000);
      const op = R();
      if (op < 0.55) {
        // a write batch
        const newJobs: NewJob[] = [];
        for (let i = int(3); i > 0; i--) {
          const sched = R() < 0.3;
          newJobs.push({
            type: "t",
            args: { i },
            queue: R() < 0.8 ? "default" : "other",
            state: sched ? "Scheduled" : "Enqueued",
            enqueueAt: sched ? now + int(5000) : undefined,
            reason: sched ? "sched" : "enq",
            maxRetries: int(3),
            uniqueKey: R() < 0.3 ? `u${int(4)}` : undefined,
          });
        }
        const live = [...jobs.values()];
        const transitions: Transition[] = [];
        for (let i = int(4); i > 0 && live.length; i--) {
          const j = pick(live);
          const to = pick(["Enqueued", "Scheduled", "Succeeded", "Failed", "Deleted"] as const);
          const fromPool: JobState[] = [...JOB_STATES];
          const from: JobState[] = R() < 0.6 ? [j.state === "Processing" || R() < 0.5 ? "Processing" : j.state] : fromPool.filter(() => R() < 0.5);
          if (!from.length) from.push("Processing");
          const fence = R() < 0.7 ? { serverId: R() < 0.85 ? (j.serverId ?? pick(servers)) : pick(servers), attempt: R() < 0.85 ? j.attempt : j.attempt + pick([-1, 1]) } : undefined;
          const t: Transition = { jobId: j.id, from, fence, to, reason: R() < 0.3 ? null : `r${int(9)}`, at: now };
          if (to === "Scheduled") t.enqueueAt = now + int(5000);
          if (to === "Succeeded") (t.durationMs = R() < 0.8 ? int(100) : undefined), (t.result = { ok: int(3) });
          if (to === "Failed" || ((to === "Scheduled" || to === "Enqueued") && R() < 0.4)) {
            t.error = { type: "E", message: "m", stack: "s" };
            if (to !== "Failed") t.via = [{ state: "Failed", reason: "via failed" }];
          }
          if (to === "Enqueued" && R() < 0.2) t.releaseAttempt = true;
          if (R() < 0.1) t.expiresAt = R() < 0.5 ? null : now + int(RET);
          if (to === "Succeeded" && R() < 0.1) t.data = { x: 1 };
          transitions.push(t);
        }
        let claim: ClaimRequest | undefined;
        let successAt = new Map<string, { at: number; durationMs: number }>();
        if (R() < 0.6) {
          const serverId = pick(servers);
          const collect = R() < 0.5;
          claim = {
            serverId,
            slots: Array.from({ length: 1 + int(3) }, (_, k) => `w${k}`),
            leaseUntil: now + int(6000),
            queues: R() < 0.3 ? ["default"] : undefined,
            claimNew: R() < 0.5,
            collectSuccesses: collect
              ? (cj) => {
                  const m = new Map();
                  for (const c of cj)
                    if (R() < 0.5) {
                      const s = { result: 1, durationMs: int(50), at: now + int(5) };
                      m.set(c.id, s);
                      successAt.set(c.id, s);
                    }
                  return m;
                }
              : undefined,
          };
        }
        log.push(`step ${step} now=${now} write ${JSON.stringify({ jobs: newJobs, transitions, claim: claim && { ...claim, collectSuccesses: !!claim.collectSuccesses } })}`);
        const res = await ledger.write({ now, jobs: newJobs, transitions, claim });
        // ---- model
        const direct = claim?.claimNew ? { next: 0 } : null;
        const expectClaimed: string[] = [];
        newJobs.forEach((nj, i) => {
          const existing = nj.uniqueKey ? [...jobs.values()].find((m) => m.uniqueKey === nj.uniqueKey) : undefined;
          const got = res.jobs[i];
          if (existing) {
            if (got.created || got.id !== existing.id) throw new Error(fail(`job ${i}: expected existing ${existing.id}, got ${JSON.stringify(got)}`));
            return;
          }
          if (!got.created) throw new Error(fail(`job ${i}: expected created`));
          const q = nj.queue ?? "default";
          const claimable = !!direct && nj.state === "Enqueued" && direct.next < claim!.slots.length && (!claim!.queues?.length || claim!.queues.includes(q));
          const m: MJob = {
            id: got.id,
            state: nj.state,
            attempt: 0,
            maxRetries: nj.maxRetries,
            serverId: null,
            workerId: null,
            leaseUntil: null,
            enqueueAt: nj.state === "Scheduled" ? nj.enqueueAt! : null,
            expiresAt: null,
            uniqueKey: nj.uniqueKey ?? null,
            queue: q,
            history: [{ state: nj.state, reason: nj.reason, at: now, data: nj.state === "Scheduled" ? { enqueueAt: nj.enqueueAt } : null }],
          };
          if (claimable) {
            const slot = claim!.slots[direct!.next++];
            Object.assign(m, { state: "Processing", attempt: 1, serverId: claim!.serverId, workerId: slot, leaseUntil: claim!.leaseUntil, enqueueAt: null });
            m.history.push({ state: "Processing", reason: null, at: now, data: { serverId: claim!.serverId, workerId: slot } });
            expectClaimed.push(m.id);
          }
          jobs.set(m.id, m);
        });
        transitions.forEach((t, i) => {
          const m = jobs.get(t.jobId);
          const ok = !!m && t.from.includes(m.state) && (!t.fence || (m.serverId === t.fence.serverId && m.attempt === t.fence.attempt));
          if (res.applied[i] !== ok) throw new Error(fail(`transition ${i} (${JSON.stringify(t)}) applied=${res.applied[i]} model=${ok} (model state ${m?.state} attempt ${m?.attempt} server ${m?.serverId})`));
          if (!ok || !m) return;
          for (const v of t.via ?? []) m.history.push({ state: v.state, reason: v.reason, at: now, data: v.state === "Failed" && t.error ? { ...v.data, error: t.error } : (v.data ?? null) });
          const d: Record<string, unknown> = { ...t.data };
          if (t.enqueueAt !== undefined) d.enqueueAt = t.enqueueAt;
          if (t.durationMs !== undefined) d.durationMs = t.durationMs;
          if (t.to === "Failed" && t.error) d.error = t.error;
          m.history.push({ state: t.to, reason: t.reason, at: now, data: Object.keys(d).length ? d : null });
          m.state = t.to;
          if (t.to === "Enqueued" || t.to === "Scheduled") (m.serverId = null), (m.workerId = null);
          if (t.to === "Enqueued" && t.releaseAttempt) m.attempt = Math.max(m.attempt - 1, 0);
          m.leaseUntil = null;
          m.enqueueAt = t.to === "Scheduled" ? t.enqueueAt! : t.to === "Enqueued" || t.to === "Deleted" ? null : m.enqueueAt;
          m.expiresAt =
            t.to === "Succeeded" || t.to === "Deleted" ? (t.expiresAt === undefined ? now + RET : t.expiresAt) : t.to === "Failed" ? (t.expiresAt ?? null) : null;
        });
        if (claim) {
          const left = claim.slots.length - (direct?.next ?? 0);
          const cands = [...jobs.values()]
            .filter((m) => m.state === "Enqueued" && (!claim!.queues?.length || claim!.queues.includes(m.queue)))
            .sort((a, b) => Number(a.id) - Number(b.id))
            .slice(0, Math.max(0, left));
          cands.forEach((m, k) => {
            const slot = claim!.slots[(direct?.next ?? 0) + k];
            m.attempt++;
            m.serverId = claim!.serverId;
            m.workerId = slot;
            m.history.push({ state: "Processing", reason: null, at: now, data: { serverId: claim!.serverId, workerId: slot } });
            const s = successAt.get(m.id);
            if (s) {
              m.state = "Succeeded";
              const at = Math.max(now, s.at);
              m.history.push({ state: "Succeeded", reason: null, at, data: { durationMs: s.durationMs } });
              m.expiresAt = at + RET;
              m.leaseUntil = null;
            } else {
              m.state = "Processing";
              m.leaseUntil = claim!.leaseUntil;
            }
            expectClaimed.push(m.id);
          });
          const completed = [...successAt.keys()].filter((id) => cands.some((c) => c.id === id));
          if (!isDeepStrictEqual([...(res.completed ?? [])].sort(), completed.sort())) throw new Error(fail(`completed ${res.completed} vs ${completed}`));
        }
        if (!isDeepStrictEqual(res.claimed.map((c) => c.id), expectClaimed)) throw new Error(fail(`claimed ${res.claimed.map((c) => c.id)} vs model ${expectClaimed}`));
      } else if (op < 0.7) {
        log.push(`step ${step} now=${now} promoteDue`);
        const n = await ledger.promoteDue(now, 1000);
        const due = [...jobs.values()].filter((m) => m.state === "Scheduled" && m.enqueueAt! <= now);
        if (n !== due.length) throw new Error(fail(`promoteDue ${n} vs ${due.length}`));
        for (const m of due) {
          m.state = "Enqueued";
          m.enqueueAt = null;
          m.expiresAt = null;
          m.serverId = null;
          m.workerId = null;
          m.history.push({ state: "Enqueued", reason: "Triggered by DelayedJobScheduler", at: now, data: null });
        }
      } else if (op < 0.85) {
        log.push(`step ${step} now=${now} recoverExpired`);
        const ids = await ledger.recoverExpired(now, 1000);
        const lapsed = [...jobs.values()].filter((m) => m.state === "Processing" && m.leaseUntil! < now);
        if (!isDeepStrictEqual([...ids].sort(), lapsed.map((m) => m.id).sort())) throw new Error(fail(`recoverExpired ${ids} vs ${lapsed.map((m) => m.id)}`));
        for (const m of lapsed) {
          const why = `Lease expired: server ${m.serverId} stopped renewing it (process killed or frozen)`;
          const spent = m.attempt > m.maxRetries;
          const error = { type: "LeaseExpiredError", message: why, stack: `LeaseExpiredError: ${why}` };
          m.history.push({ state: spent ? "Failed" : "Enqueued", reason: spent ? `${why}; no retries left` : `Requeued. ${why}`, at: now, data: spent ? { error } : null });
          m.state = spent ? "Failed" : "Enqueued";
          m.leaseUntil = null;
          m.expiresAt = null;
          if (!spent) (m.serverId = null), (m.workerId = null);
        }
      } else {
        log.push(`step ${step} now=${now} purgeExpired`);
        const n = await ledger.purgeExpired(now, 1000);
        const gone = [...jobs.values()].filter((m) => m.expiresAt !== null && m.expiresAt < now);
        if (n !== gone.length) throw new Error(fail(`purge ${n} vs ${gone.map((g) => g.id + ":" + g.state)}`));
        for (const g of gone) { for (const r of g.history) purgedTally[r.state] = (purgedTally[r.state] ?? 0) + 1; jobs.delete(g.id); }
      }
      // ---- checks
      const truth = Object.fromEntries(raw.prepare("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state").all<{ state: string; n: number }>().map((r) => [r.state, r.n]));
      const counts = await ledger.countByState();
      for (const s of JOB_STATES) if (counts[s] !== (truth[s] ?? 0)) throw new Error(fail(`state_counts ${s}=${counts[s]} but COUNT(*)=${truth[s] ?? 0}`));
      const total = raw.prepare("SELECT COUNT(*) AS n FROM jobs").get<{ n: number }>()!.n;
      if (total !== jobs.size) throw new Error(fail(`rows ${total} vs model ${jobs.size}`));
      {
        const tally: Record<string, number> = { ...purgedTally };
        for (const m of jobs.values()) for (const r of m.history) tally[r.state] = (tally[r.state] ?? 0) + 1;
        const c = await ledger.readCounters(["stats:succeeded", "stats:failed", "stats:deleted"]);
        for (const s of ["Succeeded", "Failed", "Deleted"]) if (c[`stats:${s.toLowerCase()}`] !== (tally[s] ?? 0)) throw new Error(fail(`counter ${s} ${c[`stats:${s.toLowerCase()}`]} vs ${tally[s] ?? 0}`));
      }
      for (const m of jobs.values()) {
        const j = await ledger.getJob(m.id);
        if (!j) throw new Error(fail(`job ${m.id} missing`));
        if (j.state !== m.state || j.attempt !== m.attempt || j.expiresAt !== m.expiresAt) throw new Error(fail(`job ${m.id}: ledger ${j.state}/a${j.attempt}/exp${j.expiresAt} model ${m.state}/a${m.attempt}/exp${m.expiresAt}`));
        if (m.state === "Processing" && (j.serverId !== m.serverId || j.leaseUntil !== m.leaseUntil)) throw new Error(fail(`job ${m.id}: server/lease`));
        const h = j.history.map((r) => ({ state: r.state, reason: r.reason, at: r.at, data: r.data }));
        if (!isDeepStrictEqual(h, m.history)) throw new Error(fail(`job ${m.id} history\n ledger ${JSON.stringify(h)}\n model  ${JSON.stringify(m.history)}`));
      }
    }
    return null;
  } catch (e) {
    return (e as Error).message;
  } finally {
    raw.close();
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const SEEDS = Number(process.env.LEDGER_MODEL_SEEDS ?? 8);

test(`random batches keep the ledger equal to its model (seeds 1–${SEEDS}, 200 steps each)`, async () => {
  const failures: string[] = [];
  for (let seed = 1; seed <= SEEDS && failures.length < 3; seed++) {
    const err = await run(seed, 200);
    if (err) failures.push(err);
  }
  assert.equal(failures, []);
});

test.run();
