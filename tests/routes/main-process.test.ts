// The real entry point (src/main.ts) in a child process, stopped with signals: during start-up,
// and with a job and the background services blocked on the database.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { systemClock } from "../../src/actors/runtime/clock.ts";
import { SqliteLedger } from "../../src/ledger/sqlite-ledger.ts";
import { tempDir } from "../helpers/runtime-harness.ts";
import http from "node:http";
import postgres from "postgres";
import { PG_SERVER } from "../helpers/catalog-backends.ts";

function startMain(dataDir: string, env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: join(import.meta.dirname, "../.."),
    env: { ...process.env, PORT: String(20000 + Math.floor(Math.random() * 20000)), DATA_DIR: dataDir, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.splice(0)) (w.re.test(out) ? w.resolve() : waiters.push(w));
  };
  proc.stdout!.on("data", onData);
  proc.stderr!.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once("exit", (code, signal) => r({ code, signal })));
  return {
    proc,
    exited,
    output: () => out,
    waitFor: (re: RegExp, ms = 30_000) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(out)) return resolve();
        const t = setTimeout(() => reject(new Error(`no ${re} within ${ms} ms:\n${out.slice(-2000)}`)), ms);
        waiters.push({ re, resolve: () => (clearTimeout(t), resolve()) });
      }),
  };
}

test("SIGTERM during start-up (workers starting) still stops gracefully: exit 0, server deregistered", async () => {
  const dir = tempDir();
  const m = startMain(dir.path);
  try {
    await m.waitFor(/Seeded the empty catalog/);
    // The runtime has registered itself and is starting its worker threads (about a second).
    const peek = await SqliteLedger.open({ path: join(dir.path, "ledger.db"), clock: systemClock, retentionMs: 86_400_000 });
    while (!(await peek.listServers()).length) await new Promise((r) => setTimeout(r, 10));
    await peek.close();
    assert.not.match(m.output(), /Hangfire Server started/, "still starting");
    m.proc.kill("SIGTERM");
    const { code, signal } = await m.exited;
    const ledger = await SqliteLedger.open({ path: join(dir.path, "ledger.db"), clock: systemClock, retentionMs: 86_400_000 });
    const servers = await ledger.listServers();
    await ledger.close();
    assert.is(signal, null, "not killed by the signal: SIGTERM must be handled");
    assert.is(code, 0);
    assert.equal(servers, [], "the server row is removed on a graceful stop");
  } finally {
    m.proc.kill("SIGKILL");
    dir.remove();
  }
});

function request(port: number, path: string, agent?: http.Agent): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: "POST", agent, headers: { "content-length": 0 } }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode!, body }));
    });
    req.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    req.end();
  });
}

test("SIGTERM with a job and the services blocked: a second signal is harmless, new jobs are refused, and the process is gone within the grace", async () => {
  const dir = tempDir();
  const db = `catalog_jobs_shutdown_${process.pid}`; // a database of this test's own
  const admin = postgres(`${PG_SERVER}/postgres`, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${db}`);
  await admin.unsafe(`CREATE DATABASE ${db}`);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const m = startMain(dir.path, { PORT: String(port), DATABASE_URL: `${PG_SERVER}/${db}`, SHUTDOWN_GRACE: "3s", WORKER_COUNT: "1" });
  const sql = postgres(`${PG_SERVER}/${db}`, { max: 1, onnotice: () => undefined });
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked: Promise<unknown> | null = null;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await m.waitFor(/Seeded the empty catalog/);
    // Every read of the catalog now waits: the services' first passes and the job below.
    let onLocked!: () => void;
    const isLocked = new Promise<void>((r) => (onLocked = r));
    locked = sql.begin(async (tx) => {
      await tx`LOCK TABLE products IN ACCESS EXCLUSIVE MODE`;
      onLocked();
      await released;
    });
    await isLocked;
    await m.waitFor(/Now listening/);
    await m.waitFor(/Inventory Monitoring Service is starting/);
    const first = await request(port, "/api/backgroundjobs/trigger-analytics", agent); // keeps its socket open
    assert.ok("status" in first && first.status === 200, JSON.stringify(first));
    const jobId = JSON.parse((first as { body: string }).body).jobId as string;
    await new Promise((r) => setTimeout(r, 1000)); // the job is running (blocked on the lock)

    const t0 = Date.now();
    m.proc.kill("SIGTERM");
    await m.waitFor(/SIGTERM received/);
    const onKeptSocket = await request(port, "/api/backgroundjobs/trigger-analytics", agent);
    const onNewSocket = await request(port, "/api/backgroundjobs/trigger-analytics");
    await new Promise((r) => setTimeout(r, 300));
    m.proc.kill("SIGINT"); // a second stop during the grace
    const { code, signal } = await m.exited;
    const tookMs = Date.now() - t0;
    release();
    await locked;
    const ledger = await SqliteLedger.open({ path: join(dir.path, "ledger.db"), clock: systemClock, retentionMs: 86_400_000 });
    const job = (await ledger.getJob(jobId))!;
    const jobs = await ledger.listJobs({ type: "daily-analytics", limit: 100 });
    await ledger.close();
    assert.is(signal, null);
    assert.is(code, 0);
    for (const r of [onKeptSocket, onNewSocket]) assert.ok("error" in r || r.status === 503 || r.status === 409, `refused during the grace: ${JSON.stringify(r)}`);
    assert.is(jobs.length, 1, "no job accepted during the grace");
    assert.is(job.state, "Enqueued", "the running job was requeued");
    assert.ok(tookMs < 3000 + 1500, `the process took ${tookMs} ms to stop with a grace of 3 s`);
  } finally {
    release();
    await locked?.catch(() => undefined);
    agent.destroy();
    m.proc.kill("SIGKILL");
    await sql.end();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
    dir.remove();
  }
});

test.run();
