// Job types the benchmark runs: no work, so what is measured is the runtime's own cost.
import { defineJob } from "../src/actors/runtime/job-definition.ts";

export const jobs = [
  defineJob({ type: "bench-noop", run: () => undefined }),
  // Returns when it started (epoch ms, sub-ms precision) so pickup latency is enqueue → start.
  defineJob({ type: "bench-stamp", run: () => performance.timeOrigin + performance.now() }),
];
