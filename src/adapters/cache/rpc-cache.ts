// The cache as a worker thread sees it when the cache is the embedded, in-process one: that cache
// lives in the main thread (one Map per isolate), so every call is forwarded there over the
// runtime's rpc channel ("cache.get", "cache.set", …) and answered by `cacheRpcHandlers`.
//
// Arguments are checked here, before anything crosses the thread boundary, so a bad key, value or
// TTL fails with the same TypeError/RangeError as on the other caches. Values travel as their JSON
// form (what the cache would store), so toJSON methods apply exactly as they would in Redis.
import type { Cache } from "./cache.ts";
import { checkKey, checkTtl, encodeValue } from "./cache-values.ts";

export type Rpc = (method: string, ...args: unknown[]) => Promise<unknown>;

export class RpcCache implements Cache {
  readonly kind = "memory" as const;
  readonly #rpc: Rpc;
  #closed = false;

  constructor(rpc: Rpc) {
    this.#rpc = rpc;
  }

  async get<T = unknown>(key: string): Promise<T | null> {
    this.#open();
    return (await this.#rpc("cache.get", checkKey(key))) as T | null;
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    this.#open();
    checkKey(key);
    const json = encodeValue(key, value);
    const ttl = checkTtl(key, ttlMs);
    await this.#rpc("cache.setJson", key, json, ttl);
  }

  async delete(key: string): Promise<boolean> {
    this.#open();
    return (await this.#rpc("cache.delete", checkKey(key))) as boolean;
  }

  async keys(pattern: string): Promise<string[]> {
    this.#open();
    return (await this.#rpc("cache.keys", pattern)) as string[];
  }

  async ttl(key: string): Promise<number | null> {
    this.#open();
    return (await this.#rpc("cache.ttl", checkKey(key))) as number | null;
  }

  async ping(): Promise<void> {
    this.#open();
    await this.#rpc("cache.ping");
  }

  /** Closes this thread's view only; the main thread owns the cache itself. */
  async close(): Promise<void> {
    this.#closed = true;
  }

  #open(): void {
    if (this.#closed) throw new Error("this thread's cache view is closed; create a new one");
  }
}

/** The main thread's side: rpc methods answering RpcCache calls from worker threads. */
export function cacheRpcHandlers(cache: Cache): Record<string, (...args: unknown[]) => Promise<unknown>> {
  return {
    "cache.get": (key) => cache.get(key as string),
    "cache.setJson": (key, json, ttl) => cache.set(key as string, JSON.parse(json as string), ttl as number | undefined),
    "cache.delete": (key) => cache.delete(key as string),
    "cache.keys": (pattern) => cache.keys(pattern as string),
    "cache.ttl": (key) => cache.ttl(key as string),
    "cache.ping": () => cache.ping(),
  };
}
