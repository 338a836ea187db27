// Where worker-thread entry modules live: .ts sources under tsx (dev, tests) or Deno, bundled .js
// files in dist/ in production. Bundlers do not rewrite `new URL("./x.ts", import.meta.url)`, so
// the choice is made here at run time.
import { pathToFileURL } from "node:url";
import { projectPath } from "../../paths.ts";

const fromSource = import.meta.url.endsWith(".ts");

/** `src/<srcPath>.ts` when running from source, `dist/<distName>.js` when bundled. */
export function moduleUrl(srcPath: string, distName: string): string {
  return pathToFileURL(fromSource ? projectPath("src", `${srcPath}.ts`) : projectPath("dist", `${distName}.js`)).href;
}

export const JOB_WORKER_ENTRY = () => moduleUrl("actors/runtime/job-worker-entry", "job-worker");
export const SERVICE_WORKER_ENTRY = () => moduleUrl("actors/runtime/service-worker-entry", "service-worker");
export const JOBS_MODULE = () => moduleUrl("actors/jobs/registry", "jobs");
export const SERVICES_MODULE = () => moduleUrl("actors/services/registry", "services");
export const WORKER_SERVICES_MODULE = () => moduleUrl("actors/worker-services", "worker-services");
export const LEDGER_CHECKPOINT_ENTRY = () => moduleUrl("ledger/wal-checkpoint-worker", "ledger-checkpointer");
