// Starts a worker thread from a module URL. Node 20 cannot load .ts in a worker by itself, and
// tsx's --import flag does not reach workers: a tiny ESM data: URL registers tsx's loader, then
// imports the entry. Built .js entries and Deno (which runs .ts natively) load the file directly.
import { type Transferable, Worker } from "node:worker_threads";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

export function startWorkerThread(entryUrl: string, workerData: unknown, name: string, memoryMb?: number, transferList?: Transferable[]): Worker {
  // A heap limit confines an out-of-memory job to its own thread instead of the whole process.
  const options = { workerData, name, transferList, ...(memoryMb ? { resourceLimits: { maxOldGenerationSizeMb: memoryMb } } : {}) };
  if (!entryUrl.endsWith(".ts") || isDeno) {
    return new Worker(new URL(entryUrl), options as ConstructorParameters<typeof Worker>[1]);
  }
  const tsx = import.meta.resolve("tsx/esm/api");
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entryUrl)});`;
  return new Worker(new URL("data:text/javascript," + encodeURIComponent(code)), options as ConstructorParameters<typeof Worker>[1]);
}
