// Picks the cache from configuration: Redis when REDIS_URL is set, the in-process cache otherwise.
import type { Clock } from "../../actors/runtime/clock.ts";
import type { Config } from "../../config.ts";
import type { Cache } from "./cache.ts";
import type { RedisConnectionState } from "./redis-cache.ts";

// Implementations are imported only when chosen: an embedded-default process never loads ioredis.

export interface CacheDeps {
  clock: Clock;
  /** Redis connection state changes (for /health and the log). */
  onStateChange?: (state: RedisConnectionState, error?: Error) => void;
}

export async function createCache(config: Pick<Config, "redisUrl" | "cachePrefix">, deps: CacheDeps): Promise<Cache> {
  if (config.redisUrl === null) {
    const { MemoryCache } = await import("./memory-cache.ts");
    return new MemoryCache({ clock: deps.clock });
  }
  const { RedisCache } = await import("./redis-cache.ts");
  return new RedisCache({
    url: config.redisUrl,
    prefix: config.cachePrefix,
    clock: deps.clock,
    connectionName: "catalog-jobs",
    onStateChange: deps.onStateChange,
  });
}
