// Wall-clock milliseconds with sub-millisecond steps (for instants), and monotonic ones (for elapsed time).
//
// performance.timeOrigin + performance.now() alone is monotonic: it never sees the wall clock
// stepped (NTP at boot, a manual fix, a VM resumed after a pause or restored from a snapshot). A
// server on it fires cron at the old time and writes leases that other processes, reading the
// real time, take as expired. So the monotonic reading is re-anchored to Date.now() whenever the
// two differ by more than STEP_MS; between steps it keeps its sub-millisecond resolution (what
// pickup and lateness figures need) instead of Date.now()'s whole milliseconds. Each thread that
// reads it re-anchors itself against the same Date.now(). Elapsed time uses monoNow (below).

/** A difference this large between the monotonic reading and Date.now() is a step of the wall clock. */
export const STEP_MS = 100;

export interface TimeSources {
  wall(): number;
  mono(): number;
  origin: number;
}

export function createWallTime(src: TimeSources = { wall: () => Date.now(), mono: () => performance.now(), origin: performance.timeOrigin }): () => number {
  let anchor = src.origin;
  return () => {
    const mono = src.mono();
    const wall = src.wall();
    const t = anchor + mono;
    if (Math.abs(wall - t) <= STEP_MS) return t;
    anchor = wall - mono;
    return wall;
  };
}

/** This thread's wall time. */
export const wallNow = createWallTime();

/**
 * Monotonic milliseconds on an epoch scale, the same in every thread: for elapsed time (a job's
 * run against its timeout, durations), which a step of the wall clock must not stretch or shrink.
 */
export const monoNow = (): number => performance.timeOrigin + performance.now();
