// npm run bench: builds bundles (so worker threads run compiled JavaScript, as in production),
// runs each benchmark in a fresh process and prints a table. Figures, never assertions.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

async function bundle(outdir: string, entryPoints: Record<string, string>) {
  await build({
    absWorkingDir: root,
    entryPoints,
    outdir,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    jsx: "automatic",
    jsxImportSource: "hono/jsx",
    logLevel: "warning",
  });
}

function runNode(file: string, env: Record<string, string> = {}): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("RESULT "));
      if (code !== 0 || !line) reject(new Error(`${file} exited with ${code}:\n${out}`));
      else resolve(JSON.parse(line.slice(7)));
    });
  });
}

/** RSS of the production server (dist/main.js) idle with every actor running. */
async function idleRss(): Promise<Record<string, unknown>> {
  const built = spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) throw new Error("build failed");
  const dir = mkdtempSync(join(tmpdir(), "cj-rss-"));
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const child = spawn(process.execPath, ["dist/main.js"], { cwd: root, env: { ...process.env, DATA_DIR: dir, PORT: port, LOG_LEVEL: "warn" }, stdio: "ignore" });
  try {
    let health: { actors: { state: string }[] } | null = null;
    for (let i = 0; i < 100 && !health; i++) {
      await new Promise((r) => setTimeout(r, 200));
      health = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.json() as never, () => null);
    }
    if (!health) throw new Error("server did not answer /health");
    await new Promise((r) => setTimeout(r, 5000)); // let start-up passes finish; idle now
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { idleRssMb: kb("VmRSS") / 1024, peakRssMb: kb("VmHWM") / 1024, actors: health.actors.length, running: health.actors.filter((a) => a.state === "running").length };
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const out = join(root, "dist-bench");
await bundle(out, {
  "runtime-bench": "bench/runtime-bench.ts",
  "job-worker": "src/actors/runtime/job-worker-entry.ts",
  "bench-jobs": "bench/bench-jobs.ts",
});

const rows: [string, string, string][] = [];
const f = (n: unknown, d = 0) => (typeof n === "number" ? n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d }) : String(n));
if (want("runtime")) {
  console.log("runtime: enqueue, drain of 20,000 no-op jobs (x3), pickup, cron lateness …");
  const r = await runNode(join(out, "runtime-bench.js"));
  rows.push(["enqueue rate (jobs/s, 1000 callers)", f(r.enqueuePerSec), "—"]);
  rows.push([`drain 20,000 no-op jobs (jobs/s, median of ${(r.drainRuns as number[]).join(" / ")})`, f(r.drainPerSec), "≥ 60,000"]);
  rows.push(["pickup latency p50 (ms, idle)", f(r.pickupP50Ms, 3), "≤ 0.2"]);
  rows.push(["pickup latency p99 (ms, idle)", f(r.pickupP99Ms, 3), "≤ 2"]);
  rows.push([`cron lateness p50 (ms, ${r.cronSamples} ticks)`, f(r.cronLateP50Ms, 2), "—"]);
  rows.push(["cron lateness p99 (ms)", f(r.cronLateP99Ms, 2), "≤ 5"]);
}
if (want("rss")) {
  console.log("rss: production build idle with all actors …");
  const r = await idleRss();
  rows.push([`idle RSS, dist/main.js, ${r.running}/${r.actors} actors running (MB)`, f(r.idleRssMb, 1), "≤ 150"]);
}
rmSync(out, { recursive: true, force: true });

const w = [Math.max(...rows.map((r) => r[0].length)), 12, 10];
console.log("\n" + ["measure".padEnd(w[0]), "value".padStart(w[1]), "target".padStart(w[2])].join("  "));
console.log("-".repeat(w[0] + w[1] + w[2] + 4));
for (const r of rows) console.log([r[0].padEnd(w[0]), r[1].padStart(w[1]), r[2].padStart(w[2])].join("  "));
