// Starts a real runtime (real worker threads, a real ledger file in a temp dir) for a test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { systemClock, type Clock } from "../../src/actors/runtime/clock.ts";
import { JOB_WORKER_ENTRY } from "../../src/actors/runtime/entry-points.ts";
import { Runtime, type RuntimeOptions } from "../../src/actors/runtime/runtime.ts";
import type { Ledger } from "../../src/ledger/ledger.ts";
import { SqliteLedger } from "../../src/ledger/sqlite-ledger.ts";
import { createLogger, memorySink } from "../../src/logger.ts";

export const TEST_JOBS = pathToFileURL(join(import.meta.dirname, "../fixtures/test-jobs.ts")).href;

export function tempDir(prefix = "cj-test-"): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Harness {
  rt: Runtime;
  ledger: SqliteLedger;
  logs: ReturnType<typeof memorySink>;
  dir: string;
  close(): Promise<void>;
}

/** `wrapLedger`: what the runtime sees instead of the ledger (fault injection). */
export async function startRuntime(
  overrides: Partial<RuntimeOptions> & { dir?: string; clock?: Clock; wrapLedger?: (ledger: SqliteLedger) => Ledger } = {},
): Promise<Harness> {
  const own = overrides.dir ? null : tempDir();
  const dir = overrides.dir ?? own!.path;
  const clock = overrides.clock ?? systemClock;
  const logs = memorySink();
  const logger = createLogger({ category: "test", sink: logs, level: "debug", now: () => clock.now() });
  const ledger = await SqliteLedger.open({ path: join(dir, "ledger.db"), clock, retentionMs: 86_400_000 });
  const { wrapLedger, ...options } = overrides;
  const rt = await Runtime.start({
    ledger: wrapLedger ? wrapLedger(ledger) : ledger,
    clock,
    logger,
    workerCount: 2,
    leaseTtlMs: 2_000,
    defaultJobTimeoutMs: 60_000,
    jobModules: [TEST_JOBS],
    entryUrl: JOB_WORKER_ENTRY(),
    ...options,
  });
  return {
    rt,
    ledger,
    logs,
    dir,
    async close() {
      await rt.stop(2_000);
      await ledger.close();
      own?.remove();
    },
  };
}
