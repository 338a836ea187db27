// Short jobs in bulk: the claim's transaction waits a moment for them and writes their success in
// the same commit (one row write per job). What a job reports must survive that shortcut.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { WriteBatch } from "../../../src/ledger/ledger.ts";
import type { SqliteLedger } from "../../../src/ledger/sqlite-ledger.ts";
import { startRuntime, type Harness } from "../../helpers/runtime-harness.ts";

/** The real ledger, with every write batch shown to `see` first. */
function seeingWrites(see: (batch: WriteBatch) => void) {
  return (real: SqliteLedger) =>
    new Proxy(real, {
      get(target, key) {
        if (key !== "write") {
          const value = Reflect.get(target, key) as unknown;
          return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        }
        return (batch: WriteBatch) => {
          see(batch);
          return target.write(batch);
        };
      },
    });
}

async function runBurst(h: Harness, type: string, n: number, args: object = {}): Promise<{ ids: string[]; succeededEvents: Map<string, number> }> {
  h.rt.pause();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await h.rt.enqueue(type, { ...args, i })).jobId);
  const succeededEvents = new Map<string, number>();
  const all = new Promise<void>((resolve) =>
    h.rt.events.on("job:succeeded", (e) => {
      succeededEvents.set(e.jobId, (succeededEvents.get(e.jobId) ?? 0) + 1);
      if (succeededEvents.size === n) resolve();
    }),
  );
  h.rt.resume();
  await all;
  await h.rt.settle();
  return { ids, succeededEvents };
}

test("a burst of short jobs is written Succeeded by the commits that claim them, each with its three records and one event", async () => {
  const h = await startRuntime({ workerCount: 2 });
  try {
    const { ids, succeededEvents } = await runBurst(h, "echo", 300);
    const stats = h.rt.commitStats();
    assert.ok(stats.completedInClaim > 0, `some successes were written by their claim's commit: ${JSON.stringify(stats)}`);
    assert.ok(stats.transitions < 300, "those needed no completion of their own");
    assert.ok([...succeededEvents.values()].every((n) => n === 1), "one succeeded event per job");
    const counts = await h.rt.countByState();
    assert.is(counts.Succeeded, 300);
    assert.is(counts.Processing, 0);
    assert.is(counts.Enqueued, 0);
    for (const id of [ids[0], ids[150], ids[299]]) {
      const job = (await h.rt.getJob(id))!;
      assert.is(job.state, "Succeeded");
      assert.is(job.attempt, 1);
      assert.equal(job.result, { args: { i: ids.indexOf(id) }, attempt: 1 });
      assert.equal(
        job.history.map((s) => s.state),
        ["Enqueued", "Processing", "Succeeded"],
      );
      assert.ok(job.finishedAt! >= job.startedAt!);
      assert.ok(job.expiresAt! > job.finishedAt!);
    }
  } finally {
    await h.close();
  }
});

test("with jobs of about 1 ms a mailbox holds about 4 ms of them, not the whole backlog", async () => {
  // A claim asks for a worker once per job its mailbox may still take.
  let deepest = 0;
  const wrapLedger = seeingWrites((batch) => {
    const asked = new Map<string, number>();
    for (const slot of batch.claim?.slots ?? []) asked.set(slot, (asked.get(slot) ?? 0) + 1);
    deepest = Math.max(deepest, ...asked.values());
  });
  const h = await startRuntime({ workerCount: 2, wrapLedger });
  try {
    for (let i = 0; i < 10; i++) {
      const { jobId } = await h.rt.enqueue("spins", { ms: 1 }); // teaches the pool how long they take
      await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === jobId);
    }
    deepest = 0;
    await runBurst(h, "spins", 60, { ms: 1 });
    assert.ok(deepest >= 1 && deepest <= 4, `at most 4 jobs asked for a mailbox, saw ${deepest}`);
  } finally {
    await h.close();
  }
});

test("a lone enqueue on an idle server asks for one worker slot, not every free place in every mailbox", async () => {
  const asked: { jobs: number; slots: number }[] = [];
  const wrapLedger = seeingWrites((batch) => {
    if (batch.jobs?.length && batch.claim) asked.push({ jobs: batch.jobs.length, slots: batch.claim.slots.length });
  });
  const h = await startRuntime({ workerCount: 2, wrapLedger });
  try {
    await runBurst(h, "noop", 40); // teaches the pool that jobs are tiny: mailboxes may hold many
    for (let i = 0; i < 5; i++) {
      asked.length = 0;
      const { jobId } = await h.rt.enqueue("noop");
      await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === jobId);
      assert.equal(asked, [{ jobs: 1, slots: 1 }]);
    }
  } finally {
    await h.close();
  }
});

test("a short job's last progress report is kept when its success is written by its claim's commit", async () => {
  const h = await startRuntime({ workerCount: 2 });
  try {
    const { ids } = await runBurst(h, "odd-progress", 200);
    assert.ok(h.rt.commitStats().completedInClaim > 0, "the shortcut was taken");
    for (const id of ids) {
      const job = (await h.rt.getJob(id))!;
      assert.is(job.progress, 75, `job ${id}`);
      assert.is(job.progressMessage, "true", `job ${id}`);
    }
  } finally {
    await h.close();
  }
});

test("what short jobs report while their claim collects them reaches listeners after job:processing and before job:succeeded, outside the transaction", async () => {
  const h = await startRuntime({ workerCount: 2 });
  try {
    const seen = new Map<string, string[]>();
    const note = (id: string, ev: string) => seen.set(id, [...(seen.get(id) ?? []), ev]);
    const reads: Promise<string>[] = [];
    h.rt.events.on("job:processing", (e) => note(e.jobId, "processing"));
    h.rt.events.on("job:progress", (e) => {
      note(e.jobId, "progress");
      // A listener that reads the ledger: it must not run inside a claim's open transaction.
      reads.push(h.rt.getJob(e.jobId).then((j) => j?.state ?? "missing", (err: Error) => `failed: ${err.message}`));
    });
    h.rt.events.on("job:log", (e) => note(e.jobId, "log"));
    h.rt.events.on("job:succeeded", (e) => note(e.jobId, "succeeded"));
    const { ids } = await runBurst(h, "destructures-context", 200);
    assert.ok(h.rt.commitStats().completedInClaim > 0, "the shortcut was taken");
    for (const id of ids) {
      const events = seen.get(id) ?? [];
      const order = events.filter((e, i) => events.indexOf(e) === i);
      assert.equal(order[0], "processing", `job ${id}: ${events.join(" > ")}`);
      assert.ok(order.indexOf("progress") > 0 && order.indexOf("log") > 0, `job ${id}: ${events.join(" > ")}`);
      assert.is(order.at(-1), "succeeded", `job ${id}: ${events.join(" > ")}`);
    }
    const states = new Set(await Promise.all(reads));
    assert.ok([...states].every((s) => s === "Processing" || s === "Succeeded"), `states read from listeners: ${[...states].join(", ")}`);
  } finally {
    await h.close();
  }
});

test.run();
