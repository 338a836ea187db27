// Node flags of the production process (npm start, the benchmark's RSS figure; the Dockerfile
// repeats them). A 2 MB semi-space instead of V8's 16 MB: ~11 MB less idle RSS, no measurable
// throughput cost (npm run bench, drain with and without).
export const NODE_FLAGS = ["--enable-source-maps", "--max-semi-space-size=2"];
