// What /metrics reports that the ledger doesn't keep: counts and histograms fed by the runtime's
// event stream. One collector per runtime (several apps over one runtime share it), subscribed
// once; the ledger's live counts and the actors' restarts are read at scrape time instead.
import type { Runtime } from "../actors/runtime/runtime.ts";

/** Seconds. Jobs range from a no-op (~1 ms) to a long report (minutes). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800];
/** Seconds. Event-driven firing should sit in the first buckets; Hangfire's 15 s poll in the last. */
export const LATENESS_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300];

export class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;
  constructor(readonly buckets: number[]) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number) {
    this.sum += v;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]) this.counts[i]++;
  }
}

const key = (...parts: string[]) => JSON.stringify(parts);

export class MetricsCollector {
  /** [type, outcome] → attempts finished: succeeded, or failed (whether or not a retry follows). */
  readonly processed = new Map<string, number>();
  /** type → failed attempts that were scheduled for another try. */
  readonly retries = new Map<string, number>();
  readonly durations = new Map<string, Histogram>();
  readonly pickup = new Histogram(DURATION_BUCKETS);
  readonly lateness = new Map<string, Histogram>();
  readonly lastLateness = new Map<string, number>();
  readonly created = new Map<string, number>();
  recovered = 0;
  #off: (() => void)[] = [];

  constructor(rt: Runtime) {
    const e = rt.events;
    this.#off.push(
      e.on("job:created", (p) => bump(this.created, p.type)),
      e.on("job:processing", (p) => this.pickup.observe(Math.max(0, p.latencyMs) / 1000)),
      e.on("job:succeeded", (p) => {
        bump(this.processed, key(p.type, "succeeded"));
        histogram(this.durations, p.type, DURATION_BUCKETS).observe(p.durationMs / 1000);
      }),
      e.on("job:failed", (p) => {
        bump(this.processed, key(p.type, "failed"));
        if (p.retryAt !== null) bump(this.retries, p.type);
      }),
      e.on("recurring:fired", (p) => {
        const s = Math.max(0, p.latenessMs) / 1000;
        histogram(this.lateness, p.recurringId, LATENESS_BUCKETS).observe(s);
        this.lastLateness.set(p.recurringId, s);
      }),
      e.on("lease:recovered", (p) => (this.recovered += p.jobIds.length)),
    );
  }

  close() {
    for (const off of this.#off) off();
    this.#off = [];
  }
}

function bump(m: Map<string, number>, k: string) {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function histogram(m: Map<string, Histogram>, k: string, buckets: number[]) {
  let h = m.get(k);
  if (!h) m.set(k, (h = new Histogram(buckets)));
  return h;
}

const collectors = new WeakMap<Runtime, MetricsCollector>();

/** The runtime's collector, created (and subscribed) on first use. */
export function collectorFor(rt: Runtime): MetricsCollector {
  let c = collectors.get(rt);
  if (!c) collectors.set(rt, (c = new MetricsCollector(rt)));
  return c;
}
