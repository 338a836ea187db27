// The reference the issue measures the runtime against, run on the same machine at the same time:
// a bare loop that pipelines job ids to five worker threads and records every state change
// (Processing, Succeeded) in SQLite group commits, WAL, synchronous=NORMAL — no retries, leases,
// history, events or supervision. The runtime's drain is reported next to it, because this VM's
// speed moves from day to day (the same code has measured 2x apart) while the ratio does not.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Worker } from "node:worker_threads";
import { openDatabase } from "../src/sqlite/sqlite.ts";

const N = Number(process.env.BENCH_DRAIN_JOBS ?? 20_000);
const WORKERS = 5;
const DEPTH = 32;

async function once(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "cj-bare-"));
  const db = await openDatabase(join(dir, "bare.db"));
  db.exec("CREATE TABLE jobs (id INTEGER PRIMARY KEY, state TEXT NOT NULL, started_at INTEGER, finished_at INTEGER)");
  const insert = db.prepare("INSERT INTO jobs (id, state) VALUES (?, 'Enqueued')");
  db.transaction(() => {
    for (let i = 1; i <= N; i++) insert.run(i);
  });
  const claim = db.prepare("UPDATE jobs SET state = 'Processing', started_at = ? WHERE id = ?");
  const finish = db.prepare("UPDATE jobs SET state = 'Succeeded', finished_at = ? WHERE id = ?");
  const code = `const { parentPort } = require("node:worker_threads");
    parentPort.on("message", (ids) => { for (const id of ids) (() => id)(); parentPort.postMessage(ids); });`;
  const workers = Array.from({ length: WORKERS }, () => new Worker(code, { eval: true }));
  let next = 1;
  let finished = 0;
  let done: number[] = [];
  let queued = false;
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const commit = () => {
      queued = false;
      const now = Date.now();
      const batch = done;
      done = [];
      db.transaction(() => {
        for (const id of batch) finish.run(now, id);
      });
      finished += batch.length;
      if (finished === N) resolve();
    };
    const feed = (w: Worker) => {
      if (next > N) return;
      const ids: number[] = [];
      const now = Date.now();
      db.transaction(() => {
        for (let k = 0; k < DEPTH && next <= N; k++, next++) {
          claim.run(now, next);
          ids.push(next);
        }
      });
      w.postMessage(ids);
    };
    for (const w of workers) {
      w.on("message", (ids: number[]) => {
        for (const id of ids) done.push(id);
        if (!queued) ((queued = true), setImmediate(commit));
        feed(w);
      });
      feed(w);
      feed(w);
    }
  });
  const perSec = (N / (performance.now() - t0)) * 1000;
  await Promise.all(workers.map((w) => w.terminate()));
  db.close();
  rmSync(dir, { recursive: true, force: true });
  return perSec;
}

await once(); // warms the JIT: the reference is the loop at its best
process.stdout.write("RESULT " + JSON.stringify({ bareDrainPerSec: await once() }) + "\n");
process.exit(0);
