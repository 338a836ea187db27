// Node flags of the production process (npm start, the benchmark's RSS figure; the Dockerfile
// repeats them). A 1 MB semi-space instead of V8's 16 MB, in every thread's heap: ~15 MB less idle
// RSS (2 MB: ~11 MB; 1 MB took idle RSS from 147-152 to 144 MB in same-hour runs on 2026-11-29),
// no measurable throughput cost (drain with and without, alternating runs).
export const NODE_FLAGS = ["--enable-source-maps", "--max-semi-space-size=1"];
