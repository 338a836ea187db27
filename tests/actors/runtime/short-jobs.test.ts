// Short jobs in bulk: the claim's transaction waits a moment for them and writes their success in
// the same commit (one row write per job). What a job reports must survive that shortcut.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startRuntime, type Harness } from "../../helpers/runtime-harness.ts";

async function runBurst(h: Harness, type: string, n: number): Promise<{ ids: string[]; succeededEvents: Map<string, number> }> {
  h.rt.pause();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await h.rt.enqueue(type, { i })).jobId);
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

test.run();
