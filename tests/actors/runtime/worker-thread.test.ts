// Worker threads get a small young generation of their own, whatever the main thread's is: the
// process's idle memory depends on it, and a heap flag would shrink the main thread's too.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startWorkerThread } from "../../../src/actors/runtime/worker-thread.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";
const ENTRY = new URL("../../fixtures/heap-space-worker.ts", import.meta.url).href;

async function reportOfAWorker(memoryMb?: number): Promise<{ newSpaceMb: number; kept: number }> {
  const worker = startWorkerThread(ENTRY, null, "heap-space", memoryMb);
  try {
    return await new Promise((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
  } finally {
    await worker.terminate();
  }
}
const youngGenerationOfAWorker = async (memoryMb?: number) => (await reportOfAWorker(memoryMb)).newSpaceMb;

test("a worker thread started from a .ts module runs it and answers, under tsx and under Deno", async () => {
  const report = await reportOfAWorker();
  assert.is(report.kept, 2_000_000 % 50_001, "the module ran to its end");
});

// Deno ignores a worker's resourceLimits (as for the out-of-memory test).
const nodeOnly = isDeno ? test.skip : test;

nodeOnly("a worker thread's new space stays at 2 MB (a 1 MB semi-space) while it allocates", async () => {
  const mb = await youngGenerationOfAWorker();
  assert.ok(mb > 0 && mb <= 2, `new space of ${mb} MB; V8's default grows to 16 MB`);
});

nodeOnly("a job's heap limit does not lift the young generation's", async () => {
  const mb = await youngGenerationOfAWorker(64);
  assert.ok(mb > 0 && mb <= 2, `new space of ${mb} MB`);
});

test.run();
