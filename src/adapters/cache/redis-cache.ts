// The Redis cache. Keys are `${prefix}${key}` (prefix "ProductCatalog_" by default, as the .NET
// service wrote them), values are JSON text and TTLs are set with PX, so operators keep using
// `redis-cli GET ProductCatalog_analytics:daily:latest`.
//
// The client owns its connection and reconnects by itself (exponential backoff, capped). It fails
// fast instead of queueing: during an outage a call rejects at once with
// DependencyUnavailableError("cache"), and the job that made it fails and retries later. Queueing
// (ioredis's default) would leave jobs hanging for the whole outage and then replay stale writes.
//
//   connecting ──ready──▶ up ──socket closed──▶ down ──ready──▶ up …
//        └──first attempt failed──▶ down            close() from any state ──▶ closed
//
// Calls made while the very first connection is being set up wait for it (bounded by
// connectTimeoutMs), so a job started right after boot does not fail for no reason.
import { Redis } from "ioredis";
import type { Clock, TimerHandle } from "../../actors/runtime/clock.ts";
import { DependencyUnavailableError } from "../../errors.ts";
import type { Cache } from "./cache.ts";
import { checkKey, checkTtl, encodeValue } from "./cache-values.ts";
import { escapeGlob } from "./glob-pattern.ts";

export type RedisConnectionState = "connecting" | "up" | "down" | "closed";

export interface RedisCacheOptions {
  url: string;
  /** Prepended to every key; "ProductCatalog_" in production. */
  prefix: string;
  clock: Clock;
  /** Longest wait for the first connection, and for each reconnect attempt's TCP connect. */
  connectTimeoutMs?: number;
  /** A command without a reply after this long fails (a frozen server, a dead network path). */
  commandTimeoutMs?: number;
  /** Cap of the reconnect backoff (50 ms, 100 ms, 200 ms … up to this). */
  maxReconnectDelayMs?: number;
  /** Shown by CLIENT LIST; tests use it to find their own connection. */
  connectionName?: string;
  /** Every state change, with the error that caused a "down" (health, logs, tests). */
  onStateChange?: (state: RedisConnectionState, error?: Error) => void;
}

// Reply errors that mean "the server cannot serve now", not "the command was wrong".
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|OOM|READONLY|TRYAGAIN|CLUSTERDOWN)\b/;
const SCAN_COUNT = 1000;

export class RedisCache implements Cache {
  readonly kind = "redis" as const;
  readonly #client: Redis;
  readonly #prefix: string;
  readonly #clock: Clock;
  readonly #where: string;
  readonly #connectTimeoutMs: number;
  readonly #onStateChange?: RedisCacheOptions["onStateChange"];
  #state: RedisConnectionState = "connecting";
  #lastError: Error | undefined;
  #firstSettled: Array<() => void> = [];

  constructor(options: RedisCacheOptions) {
    this.#prefix = options.prefix;
    this.#clock = options.clock;
    this.#where = describe(options.url);
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.#onStateChange = options.onStateChange;
    const maxDelay = options.maxReconnectDelayMs ?? 2_000;
    this.#client = new Redis(options.url, {
      connectionName: options.connectionName,
      connectTimeout: this.#connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs ?? 5_000,
      enableOfflineQueue: false, // not connected → reject now, never park the call
      maxRetriesPerRequest: 0, // in flight when the socket drops → reject now, never resend
      autoResendUnfulfilledCommands: false,
      retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt - 1, 16), maxDelay),
    });
    this.#client.on("ready", () => this.#enter("up"));
    this.#client.on("error", (err: Error) => {
      this.#lastError = err; // kept as the cause of the next DependencyUnavailableError
    });
    this.#client.on("close", () => {
      if (this.#state === "up" || this.#state === "connecting") this.#enter("down", this.#lastError);
    });
  }

  get state(): RedisConnectionState {
    return this.#state;
  }

  async get<T = unknown>(key: string): Promise<T | null> {
    const k = this.#key(key);
    const raw = await this.#run("GET", () => this.#client.get(k));
    if (raw === null) return null;
    try {
      return JSON.parse(raw) as T;
    } catch {
      return raw as T; // written by another tool (redis-cli SET k text): still readable
    }
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    const k = this.#key(key);
    const json = encodeValue(key, value);
    const ttl = checkTtl(key, ttlMs);
    await this.#run("SET", () => (ttl === undefined ? this.#client.set(k, json) : this.#client.set(k, json, "PX", ttl)));
  }

  async delete(key: string): Promise<boolean> {
    const k = this.#key(key);
    return (await this.#run("DEL", () => this.#client.del(k))) > 0;
  }

  /** SCAN, never KEYS: KEYS blocks the server for the whole keyspace. */
  async keys(pattern: string): Promise<string[]> {
    if (typeof pattern !== "string") throw new TypeError(`key pattern must be a string; got ${typeof pattern}`);
    const match = escapeGlob(this.#prefix) + pattern;
    const found = new Set<string>(); // SCAN may return a key more than once
    await this.#run("SCAN", async () => {
      let cursor = "0";
      do {
        const [next, batch] = await this.#client.scan(cursor, "MATCH", match, "COUNT", SCAN_COUNT);
        for (const k of batch) found.add(k.slice(this.#prefix.length));
        cursor = next;
      } while (cursor !== "0");
    });
    return [...found].sort();
  }

  async ttl(key: string): Promise<number | null> {
    const k = this.#key(key);
    const ms = await this.#run("PTTL", () => this.#client.pttl(k));
    return ms < 0 ? null : ms; // -2 no key, -1 no expiry
  }

  async ping(): Promise<void> {
    await this.#run("PING", () => this.#client.ping());
  }

  async close(): Promise<void> {
    if (this.#state === "closed") return;
    const wasUp = this.#state === "up";
    this.#enter("closed");
    if (wasUp) {
      try {
        await this.#client.quit();
        return;
      } catch {
        // fall through: the socket is gone or the server froze; drop it
      }
    }
    this.#client.disconnect(); // also cancels a scheduled reconnect
  }

  #key(key: string): string {
    return this.#prefix + checkKey(key);
  }

  async #run<T>(command: string, fn: () => Promise<T>): Promise<T> {
    if (this.#state === "connecting") await this.#firstConnection();
    if (this.#state === "closed") throw new Error("the Redis cache is closed; create a new one");
    if (this.#state !== "up") {
      throw new DependencyUnavailableError(
        "cache",
        `Redis at ${this.#where} is unreachable (${command} not sent${this.#lastError ? `: ${this.#lastError.message}` : ""}); ` +
          "the client reconnects by itself, retry later",
        { cause: this.#lastError },
      );
    }
    try {
      return await fn();
    } catch (err) {
      throw this.#translate(command, err);
    }
  }

  #translate(command: string, err: unknown): unknown {
    const e = err as Error;
    const isReply = e?.name === "ReplyError";
    if (isReply && !TRANSIENT_REPLY.test(e.message)) return err; // the command was wrong: not an outage
    return new DependencyUnavailableError(
      "cache",
      `Redis at ${this.#where} did not complete ${command}: ${e?.message ?? String(err)}; retry later`,
      { cause: err },
    );
  }

  /** Waits until the first connection attempt settles, at most connectTimeoutMs. */
  #firstConnection(): Promise<void> {
    return new Promise<void>((resolve) => {
      let timer: TimerHandle | undefined;
      const done = () => {
        if (timer !== undefined) this.#clock.clearTimeout(timer);
        resolve();
      };
      this.#firstSettled.push(done);
      timer = this.#clock.setTimeout(() => {
        this.#firstSettled = this.#firstSettled.filter((f) => f !== done);
        if (this.#state === "connecting") {
          this.#lastError ??= new Error(`no connection within ${this.#connectTimeoutMs} ms`);
          this.#enter("down", this.#lastError);
        }
        resolve();
      }, this.#connectTimeoutMs);
    });
  }

  #enter(state: RedisConnectionState, error?: Error): void {
    if (this.#state === "closed" || this.#state === state) return;
    this.#state = state;
    if (state === "up") this.#lastError = undefined;
    for (const settle of this.#firstSettled.splice(0)) settle();
    this.#onStateChange?.(state, error);
  }
}

/** host:port of a redis:// URL, without credentials, for messages. */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}`;
  } catch {
    return "the configured REDIS_URL";
  }
}
