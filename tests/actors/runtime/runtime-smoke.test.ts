import { test } from "uvu";
import * as assert from "uvu/assert";
import { startRuntime } from "../../helpers/runtime-harness.ts";

test("an enqueued job runs in a worker thread and its success is recorded with history", async () => {
  const h = await startRuntime();
  try {
    const done = h.rt.events.waitFor("job:succeeded");
    const { jobId, state } = await h.rt.enqueue("echo", { hello: "world" });
    assert.is(state, "Enqueued");
    const ev = await done;
    assert.is(ev.jobId, jobId);
    await h.rt.settle();
    const job = (await h.rt.getJob(jobId))!;
    assert.is(job.state, "Succeeded");
    assert.equal(job.result, { args: { hello: "world" }, attempt: 1 });
    assert.equal(job.history.map((s) => s.state), ["Enqueued", "Processing", "Succeeded"]);
    assert.ok(job.expiresAt! > job.finishedAt!);
  } finally {
    await h.close();
  }
});

test("a job may take progress and log off its context, or spread it, and call them detached", async () => {
  const h = await startRuntime();
  try {
    const done = h.rt.events.waitFor("job:succeeded");
    const { jobId } = await h.rt.enqueue("destructures-context");
    await done;
    await h.rt.settle();
    const job = (await h.rt.getJob(jobId))!;
    assert.equal(job.result, { jobId, attempt: 1 });
    assert.is(job.progress, 50);
    assert.is(job.progressMessage, "half way");
    assert.equal(
      job.logs.map((l) => l.message),
      ["logged through a detached log()", "logged through a spread copy"],
    );
  } finally {
    await h.close();
  }
});

test.run();
