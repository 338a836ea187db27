// Every job type the product runs. Loaded by the main thread (for policies) and by each job
// worker thread (to run them); bundled as dist/jobs.js.
import type { JobDefinition } from "../runtime/job-definition.ts";
import { cacheWarmupJob } from "./cache-warmup.ts";
import { cleanupJob } from "./cleanup.ts";
import { dailyAnalyticsJob } from "./daily-analytics.ts";
import { popularProductsJob } from "./popular-products.ts";
import { weeklyInventoryReportJob } from "./weekly-inventory-report.ts";

export const jobs: JobDefinition<any, any>[] = [dailyAnalyticsJob, weeklyInventoryReportJob, cacheWarmupJob, popularProductsJob, cleanupJob];
