// Production build: one ESM bundle per entry (the main program and each worker-thread entry get
// their own, since bundlers do not follow `new Worker(new URL(…))`). npm packages stay external:
// better-sqlite3 is a native addon and the rest load fine from node_modules.
import { build } from "esbuild";
import { rmSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });
const started = performance.now();
await build({
  absWorkingDir: root,
  entryPoints: {
    main: "src/main.ts",
    "job-worker": "src/actors/runtime/job-worker-entry.ts",
    jobs: "src/actors/jobs/registry.ts",
    "service-worker": "src/actors/runtime/service-worker-entry.ts",
    services: "src/actors/services/registry.ts",
    "worker-services": "src/actors/worker-services.ts",
    "ledger-checkpointer": "src/ledger/wal-checkpoint-worker.ts",
  },
  outdir: "dist",
  bundle: true,
  splitting: true, // shared code in chunks; a worker loads a driver's chunk only when its configuration uses it
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  jsx: "automatic",
  jsxImportSource: "hono/jsx",
  logLevel: "warning",
});
console.log(`built dist/ in ${Math.round(performance.now() - started)} ms`);
