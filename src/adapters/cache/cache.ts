// The cache's one interface. Implementations: in-process TTL cache (embedded default) and Redis.
// Keys are given without the prefix; the adapter adds CACHE_PREFIX (default "ProductCatalog_").

export interface Cache {
  readonly kind: "memory" | "redis";
  /** JSON value, or null when absent or expired. */
  get<T = unknown>(key: string): Promise<T | null>;
  /** Stores JSON; ttlMs absent = no expiry. */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  /** Keys (without prefix) matching a glob such as "reports:inventory:*". */
  keys(pattern: string): Promise<string[]>;
  /** Remaining TTL in ms; null = no expiry or no key. */
  ttl(key: string): Promise<number | null>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
