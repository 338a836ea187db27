// A clock whose time moves only when a test says so. Timers fire in due order as time advances,
// with the promise queue drained between them so async reactions happen "in between".
import { setImmediate } from "node:timers";
import type { Clock, TimerHandle } from "./clock.ts";

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

export class VirtualClock implements Clock {
  #now: number;
  #seq = 0;
  #timers = new Map<number, Pending>();

  constructor(start: number | string | Date = 0) {
    this.#now = typeof start === "number" ? start : new Date(start).getTime();
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.#seq;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete((handle as { id: number }).id);
  }

  /** How many timers are armed (tests check that nothing leaks). */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** The instant of the earliest armed timer, or null. */
  nextTimerAt(): number | null {
    let min: number | null = null;
    for (const t of this.#timers.values()) if (min === null || t.at < min) min = t.at;
    return min;
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.#now + ms);
  }

  async advanceTo(target: number | string | Date): Promise<void> {
    const end = typeof target === "number" ? target : new Date(target).getTime();
    for (;;) {
      await flushPromises();
      let next: Pending | undefined;
      for (const t of this.#timers.values()) {
        if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.id < next.id))) next = t;
      }
      if (!next) break;
      this.#timers.delete(next.id);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
    }
    this.#now = Math.max(this.#now, end);
    await flushPromises();
  }
}

/** Lets every queued promise reaction (and those they queue) run. */
export async function flushPromises(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
