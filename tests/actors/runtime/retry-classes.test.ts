// Retry policies that choose errors by class and delete exhausted jobs, with real worker threads:
// the class chain of an error thrown in a thread decides in the main thread. And what a retry
// keeps of its first run: the instant the job stands for.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startRuntime } from "../../helpers/runtime-harness.ts";

const RETRY_JOBS = pathToFileURL(join(import.meta.dirname, "../../fixtures/retry-class-jobs.ts")).href;
const start = () => startRuntime({ jobModules: [RETRY_JOBS] });

test("a subclass of UnrecoverableError with a name of its own fails the job at once", async () => {
  const h = await start();
  try {
    const failed = h.rt.events.waitFor("job:failed");
    const { jobId } = await h.rt.enqueue("product-gone");
    assert.is((await failed).retryAt, null);
    await h.rt.settle();
    const job = (await h.rt.getJob(jobId))!;
    assert.is(job.state, "Failed");
    assert.is(job.attempt, 1);
    assert.is(job.error!.type, "ProductGoneError");
    assert.match(job.reason!, /^Unrecoverable error; not retried: product 42 was deleted/);
  } finally {
    await h.close();
  }
});

test("onlyOn retries the named class and its subclasses, and fails any other error at once", async () => {
  const h = await start();
  try {
    const { jobId } = await h.rt.enqueue("only-upstream");
    await h.rt.events.waitFor("job:failed", (e) => e.jobId === jobId && e.retryAt === null, 20_000);
    await h.rt.settle();
    const job = (await h.rt.getJob(jobId))!;
    assert.is(job.state, "Failed");
    assert.is(job.attempt, 2, "the throttled first run was retried; the TypeError was not");
    assert.equal(job.history.map((s) => s.state), ["Enqueued", "Processing", "Failed", "Enqueued", "Processing", "Failed"]);
    assert.match(job.history[3].reason!, /^Retry attempt 1 of 3: slow down/);
    assert.is(job.reason, "Not retried: the retry policy retries only UpstreamBusyError; got TypeError: price is undefined");
    assert.not.ok(JSON.stringify(job.history).includes("kinds"), "the class chain is not stored");
  } finally {
    await h.close();
  }
});

test("exceptOn JobTimeoutError fails a job that ran past its timeout without retrying it", async () => {
  const h = await start();
  try {
    const { jobId } = await h.rt.enqueue("timeout-not-retried");
    const failed = await h.rt.events.waitFor("job:failed", (e) => e.jobId === jobId, 20_000);
    assert.is(failed.retryAt, null);
    await h.rt.settle();
    const job = (await h.rt.getJob(jobId))!;
    assert.is(job.state, "Failed");
    assert.is(job.attempt, 1);
    assert.is(job.error!.type, "JobTimeoutError");
    assert.match(job.reason!, /^Not retried: the retry policy excludes JobTimeoutError: /);
  } finally {
    await h.close();
  }
});

test("whenExhausted delete moves a job whose retries ran out to Deleted, keeping its failure, to expire with the retention", async () => {
  const h = await start();
  try {
    const deleted = h.rt.events.waitFor("job:deleted");
    const { jobId } = await h.rt.enqueue("deleted-when-exhausted");
    assert.equal(await deleted, { jobId, reason: "Exceeded the maximum number of retry attempts (1)." });
    await h.rt.settle();
    const job = (await h.rt.getJob(jobId))!;
    assert.is(job.state, "Deleted");
    assert.is(job.attempt, 2);
    assert.equal(job.history.map((s) => s.state), ["Enqueued", "Processing", "Failed", "Enqueued", "Processing", "Failed", "Deleted"]);
    assert.is((job.history[5].data as { error: { message: string } }).error.message, "out of range on attempt 2");
    assert.is(job.error!.type, "RangeError", "the job keeps the error it failed with");
    assert.ok(job.expiresAt !== null && job.expiresAt > Date.now(), "it expires with the retention");
    const counts = await h.rt.countByState();
    assert.is(counts.Deleted, 1);
    assert.is(counts.Failed, 0);
    assert.is(counts.Processing, 0);
  } finally {
    await h.close();
  }
});

test("a manual job stands for its creation instant on its first run and on its retry, so a retry after midnight keeps the day", async () => {
  const h = await start();
  try {
    const created = Date.now();
    const { jobId } = await h.rt.enqueue("stands-for");
    await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === jobId, 20_000);
    await h.rt.settle();
    const job = (await h.rt.getJob(jobId))!;
    const instant = (job.result as { scheduledFor: number }).scheduledFor;
    assert.ok(Math.abs(instant - created) < 1_000, `the creation instant, not null: ${instant}`);
    assert.match((job.history.find((s) => s.state === "Failed")!.data as { error: { message: string } }).error.message, `first run stood for ${instant}`);
    assert.is(job.scheduledFor, null, "what is stored and shown stays the tick instant only");
  } finally {
    await h.close();
  }
});

test.run();
