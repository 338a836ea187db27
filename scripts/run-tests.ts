// Runs every tests/**/*.test.ts file in its own process (fault tests start threads and child
// processes; isolation keeps one file's leak from failing another) and ends with the line CI
// reads: "N passed, N failed, N skipped". A file that fails to import or crashes counts as a
// failure even when uvu printed nothing.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import process from "node:process";

const root = new URL("..", import.meta.url).pathname;
const filters = process.argv.slice(2);
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

interface FileResult {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  output: string;
  ms: number;
}

function runFile(file: string): Promise<FileResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
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
      let failed = total - passed - skipped;
      if ((code !== 0 || signal) && failed === 0) failed = 1; // import error, crash, hang
      if (total === 0 && code === 0) failed = 1; // a file that ran no test is a broken file
      resolve({ file, passed, failed, skipped, output, ms: performance.now() - started });
    });
  });
}

const files = findTests(join(root, "tests")).filter(
  (f) => filters.length === 0 || filters.some((x) => relative(root, f).includes(x)),
);
const results: FileResult[] = [];
let next = 0;
async function lane() {
  while (next < files.length) {
    const r = await runFile(files[next++]);
    results.push(r);
    const status = r.failed ? "FAIL" : "ok  ";
    console.log(`${status} ${relative(root, r.file)}  (${r.passed} passed, ${r.failed} failed, ${Math.round(r.ms)} ms)`);
    if (r.failed) console.log(r.output.replace(/^/gm, "    | "));
  }
}
await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));

const sum = (k: "passed" | "failed" | "skipped") => results.reduce((n, r) => n + r[k], 0);
const failed = sum("failed") + (files.length === 0 ? 1 : 0);
console.log(`${sum("passed")} passed, ${failed} failed, ${sum("skipped")} skipped`);
process.exit(failed > 0 ? 1 : 0);
