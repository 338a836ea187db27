// Time is injected everywhere: nothing in the runtime reads Date.now() or calls setTimeout itself,
// so tests move virtual time instead of sleeping.
import { clearImmediate, setImmediate } from "node:timers";
import { wallNow } from "./wall-time.ts";

export type TimerHandle = { readonly __timer: unique symbol } | number | object;

export interface Clock {
  /** Milliseconds since the epoch (may carry a fraction): wall time, for instants. */
  now(): number;
  /** Calls fn after `ms`: a duration, which a step of the wall clock does not move. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /**
   * Calls fn at the wall-clock instant `at` (a cron tick, a delayed job): a step of the wall clock
   * moves it. Optional: without it, setTimeout(fn, at - now()).
   */
  setTimeoutAt?(fn: () => void, at: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /**
   * Monotonic milliseconds from any origin. Optional: with it the runtime tells a step of the wall
   * clock (seen by every server on the host at once) from time passing.
   */
  elapsed?(): number;
}

/**
 * A wait for a wall instant is cut into re-checks of at most this long, so a step of the wall
 * clock makes it late by at most this much, and never early.
 */
const RECHECK_MS = 60_000;
// Node clamps delays above 2^31-1 ms to 1 ms: longer durations are chained.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The last milliseconds before a wall instant are waited out on the event loop (setImmediate), not
 * with a timer: Node's timers fire on whole milliseconds of a cached loop time, 1-2 ms late on this
 * VM and 4 ms at worst in 20 idle seconds (a halted vCPU wakes late on top); spinning, 0.01-0.1 ms
 * and ~1 ms at worst. Cron lateness p99 is a target (npm run bench). Only after a wait of
 * SPIN_AFTER_MS or more, so instants back to back never spin more than 4 % of the time.
 */
const SPIN_MS = 4;
const SPIN_AFTER_MS = 100;

type Box = { t?: ReturnType<typeof setTimeout>; i?: ReturnType<typeof setImmediate>; cancelled?: boolean };

/** Arms `step(box)` after `wait` ms, unref'd: the clock's timers never hold the process open. */
function arm(box: Box, wait: number, step: () => void) {
  box.t = setTimeout(step, Math.max(0, wait));
  (box.t as { unref?: () => void }).unref?.();
}

/** The real clock: wall time for instants (see wall-time.ts), monotonic time for durations. */
export function createSystemClock(now: () => number = wallNow, recheckMs = RECHECK_MS): Clock {
  return {
    now,
    elapsed: () => performance.now(),
    setTimeout(fn, ms) {
      const due = performance.now() + Math.max(0, ms);
      const box: Box = {};
      const step = () => {
        const left = due - performance.now();
        if (left >= 1) arm(box, Math.min(left, MAX_TIMER_MS), step);
        else fn();
      };
      arm(box, Math.min(Math.max(0, ms), MAX_TIMER_MS), step);
      return box;
    },
    setTimeoutAt(fn, at) {
      const box: Box = {};
      const spin = at - now() >= SPIN_AFTER_MS ? SPIN_MS : 0;
      const step = () => {
        box.i = undefined;
        if (box.cancelled) return;
        // A timer wakes early only if the wall clock was stepped back, or the wait was longer than
        // a re-check (or on purpose, to spin); the instant itself is never missed nor run early.
        const left = at - now();
        if (!(left > 0)) fn(); // NaN too: fired, as before, not an immediate loop
        else if (left > spin) arm(box, Math.min(left - spin, recheckMs), step);
        else box.i = setImmediate(step); // ref'd: an unref'd immediate waits for the next I/O or timer
      };
      arm(box, Math.min(at - now() - spin, recheckMs), step); // never calls fn from here
      return box;
    },
    clearTimeout(handle) {
      const box = handle as Box;
      box.cancelled = true;
      if (box.t !== undefined) clearTimeout(box.t);
      if (box.i !== undefined) clearImmediate(box.i);
    },
  };
}

export const systemClock: Clock = createSystemClock();
