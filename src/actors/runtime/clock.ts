// Time is injected everywhere: nothing in the runtime reads Date.now() or calls setTimeout itself,
// so tests move virtual time instead of sleeping.

export type TimerHandle = { readonly __timer: unique symbol } | number | object;

export interface Clock {
  /** Milliseconds since the epoch (may carry a fraction). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

// setTimeout in Node clamps delays above 2^31-1 ms to 1 ms; a 6 h interval is fine, a yearly cron is
// not. Long waits are chained so a timer never fires early.
const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout(fn, ms) {
    const box: { t?: ReturnType<typeof setTimeout> } = {};
    const arm = (left: number) => {
      const step = Math.min(Math.max(0, left), MAX_TIMER_MS);
      box.t = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : fn()), step);
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
