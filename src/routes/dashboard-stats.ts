// The numbers behind the overview's graphs, read from the ledger's statistics counters in one
// query each: per second for the realtime graph, per hour for a day, per day for a week.
// Counter keys are UTC (stat-counters.ts), so are the slots here.
import type { Ledger } from "../ledger/ledger.ts";
import { dayKey, hourKey, secondKey, totalKey } from "../ledger/stat-counters.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const GRAPHED = ["Succeeded", "Failed"] as const;

export interface Slots {
  /** Each slot's start (ms), oldest first. */
  starts: number[];
  succeeded: number[];
  failed: number[];
}

async function read(ledger: Ledger, starts: number[], key: (state: string, at: number) => string): Promise<Slots> {
  const keys = GRAPHED.flatMap((s) => starts.map((t) => key(s, t)));
  const values = await ledger.readCounters(keys);
  const series = (state: string) => starts.map((t) => values[key(state, t)] ?? 0);
  return { starts, succeeded: series("Succeeded"), failed: series("Failed") };
}

/** The last `seconds` whole seconds up to and including the current one. */
export function realtimeSlots(ledger: Ledger, now: number, seconds: number): Promise<Slots> {
  const current = Math.floor(now / 1000) * 1000;
  const starts = Array.from({ length: seconds }, (_, i) => current - (seconds - 1 - i) * 1000);
  return read(ledger, starts, secondKey);
}

export function hourlySlots(ledger: Ledger, now: number): Promise<Slots> {
  const current = Math.floor(now / HOUR) * HOUR;
  const starts = Array.from({ length: 24 }, (_, i) => current - (23 - i) * HOUR);
  return read(ledger, starts, hourKey);
}

export function dailySlots(ledger: Ledger, now: number): Promise<Slots> {
  const current = Math.floor(now / DAY) * DAY;
  const starts = Array.from({ length: 7 }, (_, i) => current - (6 - i) * DAY);
  return read(ledger, starts, dayKey);
}

/** All-time totals (Hangfire's "Succeeded" tile counts every job ever, not the retained ones). */
export async function allTimeTotals(ledger: Ledger): Promise<{ succeeded: number; failed: number; deleted: number }> {
  const keys = [totalKey("Succeeded"), totalKey("Failed"), totalKey("Deleted")];
  const v = await ledger.readCounters(keys);
  return { succeeded: v[keys[0]] ?? 0, failed: v[keys[1]] ?? 0, deleted: v[keys[2]] ?? 0 };
}
