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

test("a recurring job that skips while running starts no second run while its first still runs, and runs again once it has finished", async () => {
  const h = await startRuntime({
    recurring: [{ id: "every-second", name: "Every second", type: "sleeps", args: { ms: 1_500 }, cron: "* * * * * *", timeZone: "UTC", misfire: "relaxed", overlap: "skip" }],
  });
  try {
    // The first tick may fire before these listeners exist: start from the first skip.
    const skip = await h.rt.events.waitFor("recurring:skipped", (e) => e.recurringId === "every-second", 5_000);
    const first = skip.unfinishedJobId;
    const fired: string[] = [];
    h.rt.events.on("recurring:fired", (e) => fired.push(...e.jobIds));
    assert.is((await h.rt.getJob(first))!.state, "Processing");
    await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === first, 5_000);
    const next = (await h.rt.events.waitFor("recurring:fired", (e) => e.recurringId === "every-second", 5_000)).jobIds[0];
    assert.is.not(next, first);
    assert.is(fired[0], next, "nothing started while the first one ran");
    assert.ok(h.logs.lines().some((l) => l.includes(`Recurring job every-second: a tick skipped, its run (job ${first}) is still Processing`)));
  } finally {
    await h.close();
  }
});

test.run();
