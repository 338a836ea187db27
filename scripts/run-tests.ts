// Runs every tests/**/*.test.ts file in its own process (fault tests start threads and child
// processes; isolation keeps one file's leak from failing another) and ends with the line CI
// reads: "N passed, N failed, N skipped". A file that fails to import or crashes counts as a
// failure even when uvu printed nothing.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import process from "node:process";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
// The runtime's own tests also run under Deno (issue: Deno-compatible source), unless --no-deno.
const withDeno = !args.includes("--no-deno") && process.env.TEST_DENO !== "0";
const filters = args.filter((a) => !a.startsWith("--"));
const DENO_DIRS = ["tests/actors/runtime/", "tests/ledger/", "tests/sqlite/transactions"];
const denoBin = join(root, "node_modules", ".bin", "deno");
const concurrency = Number(process.env.TEST_CONCURRENCY ?? 2);
const fileTimeoutMs = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 180_000);

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith(".test.ts") || name.endsWith(".test.tsx")) out.push(p);
  }
  return out.sort();
}

type Engine = "node" | "deno";

interface FileResult {
  file: string;
  engine: Engine;
  passed: number;
  failed: number;
  skipped: number;
  output: string;
  ms: number;
}

function runFile(file: string, engine: Engine): Promise<FileResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const [cmd, argv] = engine === "deno" ? [denoBin, ["run", "-A", "--no-lock", file]] : [process.execPath, ["--import", "tsx", file]];
    const child = spawn(cmd, argv, {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[run-tests] ${relative(root, file)} ran past ${fileTimeoutMs} ms and was killed\n`;
      child.kill("SIGKILL");
    }, fileTimeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const num = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? 0);
      const total = num("Total");
      const passed = num("Passed");
      const skipped = num("Skipped");
      let failed = total - passed; // uvu's Total leaves skipped tests out
      if ((code !== 0 || signal) && failed === 0) failed = 1; // import error, crash, hang
      if (total === 0 && code === 0) failed = 1; // a file that ran no test is a broken file
      resolve({ file, engine, passed, failed, skipped, output, ms: performance.now() - started });
    });
  });
}

const files = findTests(join(root, "tests")).filter(
  (f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x)),
);
const runs: { file: string; engine: Engine }[] = files.map((file) => ({ file, engine: "node" as Engine }));
if (withDeno) {
  for (const file of files) if (DENO_DIRS.some((d) => relative(root, file).startsWith(d))) runs.push({ file, engine: "deno" });
}
const results: FileResult[] = [];
let next = 0;
async function lane() {
  while (next < runs.length) {
    const { file, engine } = runs[next++];
    const r = await runFile(file, engine);
    results.push(r);
    const status = r.failed ? "FAIL" : "ok  ";
    console.log(`${status} ${engine === "deno" ? "[deno] " : ""}${relative(root, r.file)}  (${r.passed} passed, ${r.failed} failed, ${Math.round(r.ms)} ms)`);
    if (r.failed) console.log(r.output.replace(/^/gm, "    | "));
  }
}
await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));

const sum = (k: "passed" | "failed" | "skipped") => results.reduce((n, r) => n + r[k], 0);
const failed = sum("failed") + (files.length === 0 ? 1 : 0);
console.log(`${sum("passed")} passed, ${failed} failed, ${sum("skipped")} skipped`);
process.exit(failed > 0 ? 1 : 0);
