// The cache's one interface. Implementations: in-process TTL cache (embedded default) and Redis.
// Keys are given without the prefix; the adapter adds CACHE_PREFIX (default "ProductCatalog_").
//
// Errors: a bad key (empty), value (not JSON-serialisable: undefined, a function) or TTL (≤ 0,
// NaN) is a TypeError/RangeError before anything is sent. A cache that cannot be reached rejects
// at once with DependencyUnavailableError("cache", …); it never queues calls for later.

export interface Cache {
  readonly kind: "memory" | "redis";
  /** JSON value, or null when absent or expired. */
  get<T = unknown>(key: string): Promise<T | null>;
  /** Stores JSON; ttlMs absent = no expiry (fractions round up to whole milliseconds). */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  /** True when a live key was removed. */
  delete(key: string): Promise<boolean>;
  /** Keys (without prefix) matching a Redis glob such as "reports:inventory:*", sorted. */
  keys(pattern: string): Promise<string[]>;
  /** Remaining TTL in ms; null = no expiry or no key. */
  ttl(key: string): Promise<number | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
