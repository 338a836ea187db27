// Starts a worker thread from a module URL. Node 20 cannot load .ts in a worker by itself, and
// tsx's --import flag does not reach workers: a tiny ESM data: URL registers tsx's loader, then
// imports the entry. Built .js entries and Deno (which runs .ts natively) load the file directly.
import { type Transferable, Worker } from "node:worker_threads";

/**
 * A worker's young generation: 3 MB is V8's 1 MB semi-space (new space 2 MB), where a thread left
 * to V8's default grows to 16 MB. Worker threads allocate little per job, and most of them sit
 * idle most of the time. The main thread keeps V8's default: it allocates per job, and with 1 MB
 * it spent a fifth of a drain collecting garbage (see scripts/node-flags.mjs).
 */
const WORKER_YOUNG_GENERATION_MB = 3;

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

export function startWorkerThread(entryUrl: string, workerData: unknown, name: string, memoryMb?: number, transferList?: Transferable[]): Worker {
  // A heap limit confines an out-of-memory job to its own thread instead of the whole process.
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, ...(memoryMb ? { maxOldGenerationSizeMb: memoryMb } : {}) };
  const options = { workerData, name, transferList, resourceLimits };
  if (!entryUrl.endsWith(".ts") || isDeno) {
    return new Worker(new URL(entryUrl), options as ConstructorParameters<typeof Worker>[1]);
  }
  const tsx = import.meta.resolve("tsx/esm/api");
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entryUrl)});`;
  return new Worker(new URL("data:text/javascript," + encodeURIComponent(code)), options as ConstructorParameters<typeof Worker>[1]);
}
