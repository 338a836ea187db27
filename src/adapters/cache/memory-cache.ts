// The embedded cache: a Map of JSON strings with expiry instants, on an injected clock.
// Values are stored as JSON text, not objects, so a caller that mutates what it stored or read
// cannot change the cached value, and a value reads back exactly as it would from Redis.
// Expiry is lazy (a read past the instant deletes the entry) plus a periodic sweep so keys nobody
// reads again do not pile up; the sweep timer is unref'd by the system clock and never keeps the
// process alive.
//
// One Map per JavaScript isolate: worker threads each see their own. Code that must share cached
// values across threads goes through the thread that owns this cache, or configures Redis.
import type { Clock, TimerHandle } from "../../actors/runtime/clock.ts";
import type { Cache } from "./cache.ts";
import { checkKey, checkTtl, encodeValue } from "./cache-values.ts";
import { globToRegExp } from "./glob-pattern.ts";

export interface MemoryCacheOptions {
  clock: Clock;
  /** How often expired entries are swept out; default one minute. */
  sweepIntervalMs?: number;
}

interface Entry {
  json: string;
  /** Epoch ms at which the entry is gone; null = no expiry. */
  expiresAt: number | null;
}

export class MemoryCache implements Cache {
  readonly kind = "memory" as const;
  readonly #clock: Clock;
  readonly #sweepIntervalMs: number;
  readonly #entries = new Map<string, Entry>();
  #timer: TimerHandle | null = null;
  #closed = false;

  constructor(options: MemoryCacheOptions) {
    const sweep = options.sweepIntervalMs ?? 60_000;
    if (!Number.isFinite(sweep) || sweep <= 0) {
      throw new RangeError(`sweepIntervalMs must be a positive number of milliseconds; got ${sweep}`);
    }
    this.#clock = options.clock;
    this.#sweepIntervalMs = sweep;
    this.#arm();
  }

  /** Entries held, expired-but-not-yet-swept included (tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  async get<T = unknown>(key: string): Promise<T | null> {
    this.#open();
    const entry = this.#live(checkKey(key));
    return entry ? (JSON.parse(entry.json) as T) : null;
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    this.#open();
    checkKey(key);
    const json = encodeValue(key, value);
    const ttl = checkTtl(key, ttlMs);
    this.#entries.set(key, { json, expiresAt: ttl === undefined ? null : this.#clock.now() + ttl });
  }

  async delete(key: string): Promise<boolean> {
    this.#open();
    const entry = this.#live(checkKey(key));
    return entry !== undefined && this.#entries.delete(key);
  }

  async keys(pattern: string): Promise<string[]> {
    this.#open();
    const re = globToRegExp(pattern);
    const now = this.#clock.now();
    const out: string[] = [];
    for (const [key, entry] of this.#entries) {
      if (!expired(entry, now) && re.test(key)) out.push(key);
    }
    return out.sort();
  }

  async ttl(key: string): Promise<number | null> {
    this.#open();
    const entry = this.#live(checkKey(key));
    if (!entry || entry.expiresAt === null) return null;
    return Math.ceil(entry.expiresAt - this.#clock.now());
  }

  async ping(): Promise<void> {
    this.#open();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#entries.clear();
  }

  /** Removes every expired entry; runs on the sweep timer, callable directly. */
  sweep(): number {
    const now = this.#clock.now();
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (expired(entry, now)) {
        this.#entries.delete(key);
        removed++;
      }
    }
    return removed;
  }

  #live(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && expired(entry, this.#clock.now())) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #arm(): void {
    this.#timer = this.#clock.setTimeout(() => {
      if (this.#closed) return;
      this.sweep();
      this.#arm();
    }, this.#sweepIntervalMs);
  }

  #open(): void {
    if (this.#closed) throw new Error("the in-process cache is closed; create a new one");
  }
}

function expired(entry: Entry, now: number): boolean {
  return entry.expiresAt !== null && now >= entry.expiresAt;
}
