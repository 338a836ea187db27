// Collects what a handler receives and lets a test await the n-th event. A deadline turns a
// missing event into a clear failure instead of a hung file; it is never how a test waits.
import type { CatalogEvent } from "../../../src/adapters/bus/event-bus.ts";

export interface Collector {
  readonly events: CatalogEvent[];
  handler: (event: CatalogEvent) => void;
  /** Resolves with the events once at least `n` have arrived. */
  until(n: number, deadlineMs?: number): Promise<CatalogEvent[]>;
}

export function collector(label = "subscription"): Collector {
  const events: CatalogEvent[] = [];
  let waiters: Array<{ n: number; resolve: () => void }> = [];
  return {
    events,
    handler(event) {
      events.push(event);
      const ready = waiters.filter((w) => events.length >= w.n);
      waiters = waiters.filter((w) => events.length < w.n);
      for (const w of ready) w.resolve();
    },
    until(n, deadlineMs = 10_000) {
      if (events.length >= n) return Promise.resolve(events);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${label}: expected ${n} events within ${deadlineMs} ms, got ${events.length}: ${JSON.stringify(events.map((e) => e.type))}`)),
          deadlineMs,
        );
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve(events);
          },
        });
      });
    },
  };
}

/** A promise with its resolve exposed. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

let seq = 0;
export function productEvent(type: "product.created" | "product.updated" | "product.deleted" | "product.stock_changed", fields: Partial<CatalogEvent> = {}): CatalogEvent {
  seq++;
  return { type, productId: seq, sku: `SKU-${seq}`, at: "2025-12-15T02:00:00.000Z", ...fields } as CatalogEvent;
}

export function alertEvent(level: "critical" | "low" | "out_of_stock", productId = 7): CatalogEvent {
  return {
    type: "inventory.alert",
    level,
    productId,
    sku: `SKU-${productId}`,
    name: "Desk Lamp",
    stockQuantity: level === "out_of_stock" ? 0 : level === "critical" ? 3 : 9,
    at: "2025-12-15T02:00:00.000Z",
  };
}
