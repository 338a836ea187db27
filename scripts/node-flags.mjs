// Node flags of the production process (npm start, the benchmark's RSS figure; the Dockerfile
// repeats them). No heap flag: --max-semi-space-size applies to every thread and overrides a
// worker's own limit. Worker threads get a 1 MB semi-space from their resourceLimits instead
// (worker-thread.ts); the main thread keeps V8's default, because at 1 MB it spent a fifth of a
// drain in garbage collection (drain +10 %, enqueue 2x; idle RSS the same once idle).
export const NODE_FLAGS = ["--enable-source-maps"];
