// SIGTERM with jobs still running, on real processes: a stopping server keeps the leases of the
// jobs it lets finish, and writes the completions it has to retry, before it lets go of anything.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { systemClock } from "../../../src/actors/runtime/clock.ts";
import { SqliteLedger } from "../../../src/ledger/sqlite-ledger.ts";
import { ChildServer } from "../../helpers/child-server.ts";
import { tempDir } from "../../helpers/runtime-harness.ts";

test("a job still running during the shutdown grace is not started a second time by another process", async () => {
  const dir = tempDir();
  const a = ChildServer.start(dir.path, ["--lease-ms", "500"]);
  const b = ChildServer.start(dir.path, ["--lease-ms", "500"]);
  try {
    await a.waitFor((e) => e.ev === "ready", 20_000, "A ready");
    await b.waitFor((e) => e.ev === "ready", 20_000, "B ready");
    const ledger = await SqliteLedger.open({ path: join(dir.path, "ledger.db"), clock: systemClock, retentionMs: 86_400_000 });
    const file = join(dir.path, "runs.txt");
    // 1.8 s of work: it ends inside the fixture's 2 s grace.
    const { jobs } = await ledger.write({ now: Date.now(), jobs: [{ type: "records-run", args: { file, ms: 1800 }, state: "Enqueued", reason: "test", maxRetries: 3 }] });
    const jobId = jobs[0].id;
    const first = await Promise.race([a, b].map((s) => s.waitFor((e) => e.ev === "job:processing" && e.jobId === jobId, 20_000, "processing").then(() => s)));
    const other = first === a ? b : a;
    await new Promise((r) => setTimeout(r, 100));
    const exited = first.kill("SIGTERM"); // graceful: its 2 s grace covers the rest of the job
    await exited;
    await new Promise((r) => setTimeout(r, 1500)); // let the other process act on whatever the ledger says
    const runs = readFileSync(file, "utf8").trim().split("\n");
    const job = (await ledger.getJob(jobId))!;
    assert.ok(first.events.some((e) => e.ev === "stopped"), "it stopped gracefully");
    assert.is(other.events.filter((e) => e.ev === "job:processing" && e.jobId === jobId).length, 0, "the other process started the job while the stopping one still ran it");
    assert.equal(runs.filter((l) => l.startsWith("start")).length, 1, "the job started exactly once");
    assert.is(job.state, "Succeeded");
    await ledger.close();
  } finally {
    await a.kill("SIGKILL");
    await b.kill("SIGKILL");
    dir.remove();
  }
});

test("a job that succeeds within the grace while its completion write is being retried stays Succeeded, and does not run again", async () => {
  const dir = tempDir();
  const failNext = join(dir.path, "fail-next-write");
  const a = ChildServer.start(dir.path, ["--lease-ms", "1000", "--fail-writes-file", failNext]);
  let b: ChildServer | null = null;
  try {
    await a.waitFor((e) => e.ev === "ready", 20_000, "A ready");
    const ledger = await SqliteLedger.open({ path: join(dir.path, "ledger.db"), clock: systemClock, retentionMs: 86_400_000 });
    const file = join(dir.path, "runs.txt");
    const { jobs } = await ledger.write({ now: Date.now(), jobs: [{ type: "records-run", args: { file, ms: 800 }, state: "Enqueued", reason: "test", maxRetries: 3 }] });
    const jobId = jobs[0].id;
    await a.waitFor((e) => e.ev === "job:processing" && e.jobId === jobId, 20_000, "processing");
    await new Promise((r) => setTimeout(r, 200)); // its start and log line are written
    writeFileSync(failNext, ""); // the next group commit (the job's success) fails once: a transient error
    await a.kill("SIGTERM"); // the job ends 0.6 s later, inside the 2 s grace
    assert.is(a.events.filter((e) => e.ev === "write-failed").length, 1, "the success's first write failed");
    const after = (await ledger.getJob(jobId))!;
    b = ChildServer.start(dir.path, ["--lease-ms", "1000"]);
    await b.waitFor((e) => e.ev === "ready", 20_000, "B ready");
    await new Promise((r) => setTimeout(r, 2500));
    const runs = readFileSync(file, "utf8").trim().split("\n");
    assert.ok(a.events.some((e) => e.ev === "stopped"), "A stopped gracefully");
    assert.is(after.state, "Succeeded", "the job finished inside the grace; its success must be in the ledger");
    assert.is(runs.filter((l) => l.startsWith("start")).length, 1, "the job ran once, even after a restart");
    assert.is((await ledger.getJob(jobId))!.state, "Succeeded");
    await ledger.close();
  } finally {
    await a.kill("SIGKILL");
    if (b) await b.kill("SIGKILL");
    dir.remove();
  }
});

test.run();
