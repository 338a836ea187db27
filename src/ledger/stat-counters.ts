// Statistics counters, as Hangfire keeps them: all-time totals, per day (kept a month), per hour
// (kept two days), plus per second (kept an hour) for the dashboard's realtime graph.
import type { JobState } from "./ledger.ts";

const COUNTED: ReadonlySet<JobState> = new Set(["Succeeded", "Failed", "Deleted"]);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export type CounterDelta = { key: string; delta: number; expiresAt: number | null };

export function dayKey(state: string, at: number): string {
  return `stats:${state.toLowerCase()}:${new Date(at).toISOString().slice(0, 10)}`;
}

export function hourKey(state: string, at: number): string {
  return `stats:${state.toLowerCase()}:${new Date(at).toISOString().slice(0, 13).replace("T", "-")}`;
}

export function secondKey(state: string, at: number): string {
  return `stats:${state.toLowerCase()}:s:${Math.floor(at / 1000)}`;
}

export function totalKey(state: string): string {
  return `stats:${state.toLowerCase()}`;
}

/** Aggregates finished transitions into one delta per counter key. */
export function statCounterDeltas(events: { to: JobState; at: number }[]): CounterDelta[] {
  const map = new Map<string, CounterDelta>();
  const add = (key: string, expiresAt: number | null, n: number) => {
    const d = map.get(key);
    if (d) d.delta += n;
    else map.set(key, { key, delta: n, expiresAt });
  };
  // A commit's events share a handful of (state, second) pairs: format dates once per pair.
  const perSecond = new Map<string, { to: JobState; at: number; n: number }>();
  for (const e of events) {
    if (!COUNTED.has(e.to)) continue;
    const k = `${e.to}:${Math.floor(e.at / 1000)}`;
    const g = perSecond.get(k);
    if (g) g.n++;
    else perSecond.set(k, { to: e.to, at: e.at, n: 1 });
  }
  for (const { to, at, n } of perSecond.values()) {
    add(totalKey(to), null, n);
    add(dayKey(to, at), at + 31 * DAY, n);
    add(hourKey(to, at), at + 2 * DAY, n);
    add(secondKey(to, at), at + HOUR, n);
  }
  return [...map.values()];
}
