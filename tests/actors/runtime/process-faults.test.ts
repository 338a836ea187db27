// Whole processes killed with SIGKILL: nothing a dead process held may be lost.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { systemClock } from "../../../src/actors/runtime/clock.ts";
import { SqliteLedger } from "../../../src/ledger/sqlite-ledger.ts";
import { ChildServer } from "../../helpers/child-server.ts";
import { tempDir } from "../../helpers/runtime-harness.ts";

async function openLedger(dir: string) {
  return SqliteLedger.open({ path: join(dir, "ledger.db"), clock: systemClock, retentionMs: 86_400_000 });
}

test("a job whose process is killed with SIGKILL mid-run is run again by the restarted process and completes", async () => {
  const dir = tempDir();
  const a = ChildServer.start(dir.path, ["--lease-ms", "1000"]);
  let b: ChildServer | null = null;
  try {
    await a.waitFor((e) => e.ev === "ready", 20_000, "ready");
    const ledger = await openLedger(dir.path);
    const { jobs } = await ledger.write({
      now: Date.now(),
      jobs: [{ type: "long-with-progress", args: { ms: 2000, marker: "survives" }, state: "Enqueued", reason: "test", maxRetries: 3 }],
    });
    const jobId = jobs[0].id;
    await a.waitFor((e) => e.ev === "job:processing" && e.jobId === jobId, 20_000, "processing in A");
    await a.kill("SIGKILL");
    const killedAt = Date.now();
    assert.is((await ledger.getJob(jobId))!.state, "Processing", "the dead process's job is still Processing");

    b = ChildServer.start(dir.path, ["--lease-ms", "1000"]);
    const rerun = await b.waitFor((e) => e.ev === "job:processing" && e.jobId === jobId, 30_000, "re-run in B");
    const rerunAfterMs = Date.now() - killedAt;
    await b.waitFor((e) => e.ev === "job:succeeded" && e.jobId === jobId, 30_000, "success in B");
    const job = (await ledger.getJob(jobId))!;
    assert.is(job.state, "Succeeded");
    assert.equal(job.result, { marker: "survives", attempt: 2 });
    assert.ok(job.history.some((s) => s.state === "Enqueued" && /Lease expired/.test(s.reason ?? "")), "history says why it was requeued");
    assert.is(rerun.attempt, 2);
    assert.ok(rerunAfterMs < 10_000, `re-run ${rerunAfterMs} ms after SIGKILL (target < 10 s)`);
    console.log(`    re-run started ${rerunAfterMs} ms after SIGKILL (includes the new process's start-up)`);
    await ledger.close();
  } finally {
    await a.kill("SIGKILL");
    if (b) await b.kill("SIGTERM");
    dir.remove();
  }
});

test("two processes sharing one ledger fire each recurring tick exactly once", async () => {
  const dir = tempDir();
  const a = ChildServer.start(dir.path, ["--recurring", "* * * * * *"]);
  const b = ChildServer.start(dir.path, ["--recurring", "* * * * * *"]);
  try {
    await a.waitFor((e) => e.ev === "ready", 20_000, "A ready");
    await b.waitFor((e) => e.ev === "ready", 20_000, "B ready");
    // Let several ticks pass with both alive.
    const firedBefore = [...a.events, ...b.events].filter((e) => e.ev === "recurring:fired").length;
    await Promise.race([
      a.waitFor((e) => e.ev === "recurring:fired" && a.events.filter((x) => x.ev === "recurring:fired").length >= firedBefore + 4, 20_000),
      b.waitFor((e) => e.ev === "recurring:fired" && b.events.filter((x) => x.ev === "recurring:fired").length >= firedBefore + 4, 20_000),
    ]);
    await a.kill("SIGTERM");
    await b.kill("SIGTERM");
    const ledger = await openLedger(dir.path);
    const jobs = await ledger.listJobs({ type: "noop", limit: 1000 });
    const instants = jobs.map((j) => j.scheduledFor);
    assert.is(new Set(instants).size, jobs.length, "one job per tick instant");
    const firers = new Set([...a.events, ...b.events].filter((e) => e.ev === "recurring:fired").map((e) => e.pid));
    assert.is(firers.size, 1, "only the leader fired");
    assert.ok(jobs.length >= 4);
    await ledger.close();
  } finally {
    await a.kill("SIGKILL");
    await b.kill("SIGKILL");
    dir.remove();
  }
});

test("when the leader is killed the other process takes over scheduling within the lease time", async () => {
  const dir = tempDir();
  const a = ChildServer.start(dir.path, ["--recurring", "* * * * * *", "--lease-ms", "1000"]);
  let b: ChildServer | null = null;
  try {
    // The first lease is taken during start-up, before "ready" is printed: ready carries the flag.
    await a.waitFor((e) => (e.ev === "ready" || e.ev === "leader:changed") && e.leader === true, 20_000, "A leads");
    b = ChildServer.start(dir.path, ["--recurring", "* * * * * *", "--lease-ms", "1000"]);
    await b.waitFor((e) => e.ev === "ready", 20_000, "B ready");
    await a.waitFor((e) => e.ev === "recurring:fired", 5_000, "A fires");
    assert.not.ok(b.events.some((e) => e.leader === true), "B does not lead while A lives");
    await a.kill("SIGKILL");
    const killedAt = Date.now();
    await b.waitFor((e) => e.ev === "leader:changed" && e.leader === true, 5_000, "B takes over");
    const tookOverMs = Date.now() - killedAt;
    await b.waitFor((e) => e.ev === "recurring:fired", 5_000, "B fires");
    assert.ok(tookOverMs <= 1000 + 1000 / 3 + 500, `took over after ${tookOverMs} ms`);
    const ledger = await openLedger(dir.path);
    const jobs = await ledger.listJobs({ type: "noop", limit: 1000 });
    assert.is(new Set(jobs.map((j) => j.scheduledFor)).size, jobs.length, "no tick fired twice across the hand-over");
    await ledger.close();
  } finally {
    await a.kill("SIGKILL");
    if (b) await b.kill("SIGTERM");
    dir.remove();
  }
});

test.run();
