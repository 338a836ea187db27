// Time is injected everywhere: nothing in the runtime reads Date.now() or calls setTimeout itself,
// so tests move virtual time instead of sleeping.
import { wallNow } from "./wall-time.ts";

export type TimerHandle = { readonly __timer: unique symbol } | number | object;

export interface Clock {
  /** Milliseconds since the epoch (may carry a fraction). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * Timers wait for a wall-clock instant: a wait is cut into re-checks of at most this long, so a
 * step of the wall clock makes a timer late by at most this much, and never early. (Node also
 * clamps delays above 2^31-1 ms to 1 ms: a yearly cron would fire at once.)
 */
const RECHECK_MS = 60_000;

/** The real clock: wall time (see wall-time.ts) and timers that follow it. */
export function createSystemClock(now: () => number = wallNow, recheckMs = RECHECK_MS): Clock {
  return {
    now,
    setTimeout(fn, ms) {
      const due = now() + Math.max(0, ms);
      const box: { t?: ReturnType<typeof setTimeout> } = {};
      const arm = (wait: number) => {
        box.t = setTimeout(() => {
          // Early only if the wall clock was stepped back, or the wait was longer than a re-check.
          const left = due - now();
          if (left >= 1) arm(left);
          else fn();
        }, Math.min(Math.max(0, wait), recheckMs));
        (box.t as { unref?: () => void }).unref?.();
      };
      arm(ms);
      return box;
    },
    clearTimeout(handle) {
      const t = (handle as { t?: ReturnType<typeof setTimeout> }).t;
      if (t !== undefined) clearTimeout(t);
    },
  };
}

export const systemClock: Clock = createSystemClock();
