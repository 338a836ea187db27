// Every job type the product runs. Loaded by the main thread (for policies) and by each job
// worker thread (to run them); bundled as dist/jobs.js.
import type { JobDefinition } from "../runtime/job-definition.ts";

export const jobs: JobDefinition<any, any>[] = [];
