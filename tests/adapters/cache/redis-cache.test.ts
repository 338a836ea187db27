// Runs against the shared Redis on this machine (REDIS_URL, default redis://127.0.0.1:6379). Each
// run writes under its own prefix and deletes exactly those keys afterwards; it never flushes.
import { randomUUID } from "node:crypto";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { systemClock } from "../../../src/actors/runtime/clock.ts";
import { createCache } from "../../../src/adapters/cache/create-cache.ts";
import { escapeGlob } from "../../../src/adapters/cache/glob-pattern.ts";
import { RedisCache } from "../../../src/adapters/cache/redis-cache.ts";
import { loadConfig } from "../../../src/config.ts";
import { DependencyUnavailableError } from "../../../src/errors.ts";
import { cacheConformance } from "./cache-conformance.ts";
import { freePort } from "./private-redis-server.ts";

const url = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const run = `catalog-jobs-test:${randomUUID()}:`;
let opened = 0;

/** Deletes every key under `prefix` (SCAN + UNLINK), nothing else. */
async function removeKeys(prefix: string): Promise<void> {
  const raw = new Redis(url);
  let cursor = "0";
  do {
    const [next, keys] = await raw.scan(cursor, "MATCH", escapeGlob(prefix) + "*", "COUNT", 1000);
    if (keys.length) await raw.unlink(...keys);
    cursor = next;
  } while (cursor !== "0");
  await raw.quit();
}

cacheConformance("Redis", {
  // Each test gets its own prefix under the run's, so keys("*") sees only its own keys.
  open: async () => new RedisCache({ url, prefix: `${run}${++opened}:`, clock: systemClock }),
  elapse: (ms) => sleep(ms), // Redis expires on its own clock: real time has to pass
  teardown: () => removeKeys(run),
});

const test = suite("Redis cache");
const raw = new Redis(url);
test.after(async () => {
  await removeKeys(run);
  await raw.quit();
});

test("keys live under the prefix as JSON text with a PX TTL, the way redis-cli sees them", async () => {
  const prefix = `${run}cli:`;
  const cache = new RedisCache({ url, prefix, clock: systemClock });
  await cache.set("analytics:daily:latest", { totalProducts: 150, totalValue: 45678.9 }, 60_000);
  assert.is(await raw.get(`${prefix}analytics:daily:latest`), '{"totalProducts":150,"totalValue":45678.9}');
  const pttl = await raw.pttl(`${prefix}analytics:daily:latest`);
  assert.ok(pttl > 59_000 && pttl <= 60_000, `PTTL ${pttl}`);
  await cache.close();
});

test("the prefix from configuration defaults to ProductCatalog_", async () => {
  const config = loadConfig({ REDIS_URL: url });
  assert.is(config.cachePrefix, "ProductCatalog_");
  const cache = await createCache(config, { clock: systemClock });
  const key = `${run}default-prefix`;
  try {
    await cache.set(key, { ok: true }, 60_000);
    assert.is(await raw.get(`ProductCatalog_${key}`), '{"ok":true}');
  } finally {
    await raw.del(`ProductCatalog_${key}`);
    await cache.close();
  }
});

test("a value written by another tool as plain text still reads back", async () => {
  const prefix = `${run}plain:`;
  await raw.set(`${prefix}note`, "hello from redis-cli");
  const cache = new RedisCache({ url, prefix, clock: systemClock });
  assert.is(await cache.get("note"), "hello from redis-cli");
  await cache.close();
});

test("keys walks a large keyspace with SCAN and never sends KEYS", async () => {
  const prefix = `${run}scan:`;
  const pipeline = raw.pipeline();
  for (let i = 0; i < 2500; i++) pipeline.set(`${prefix}bulk:${i}`, "1");
  await pipeline.exec();

  const monitor = await raw.monitor();
  const seen: string[][] = [];
  const sentinel = `${prefix}sentinel-${randomUUID()}`;
  const sawSentinel = new Promise<void>((resolve) =>
    monitor.on("monitor", (_time: string, args: string[]) => {
      if (args.some((a) => a.startsWith(prefix))) seen.push(args);
      if (args[1] === sentinel) resolve();
    }),
  );
  const cache = new RedisCache({ url, prefix, clock: systemClock });
  const keys = await cache.keys("bulk:*");
  await raw.get(sentinel); // MONITOR reports in order: once this shows, every SCAN before it has
  await sawSentinel;
  monitor.disconnect();
  await cache.close();

  assert.is(keys.length, 2500);
  assert.is(new Set(keys).size, 2500);
  const commands = seen.map((args) => args[0].toLowerCase());
  assert.ok(commands.filter((c) => c === "scan").length >= 2, "several SCAN round trips");
  assert.not.ok(commands.includes("keys"), "KEYS was sent");
});

test("glob characters in the prefix are matched literally", async () => {
  const a = new RedisCache({ url, prefix: `${run}glob:a*`, clock: systemClock });
  const b = new RedisCache({ url, prefix: `${run}glob:ab`, clock: systemClock });
  await a.set(":one", 1);
  await b.set(":two", 2);
  assert.equal(await a.keys("*"), [":one"]);
  assert.equal(await b.keys("*"), [":two"]);
  await a.close();
  await b.close();
});

test("a command Redis refuses is reported as that refusal, not as an outage", async () => {
  const prefix = `${run}wrongtype:`;
  await raw.lpush(`${prefix}list`, "x");
  const cache = new RedisCache({ url, prefix, clock: systemClock });
  const err = await cache.get("list").then(
    () => null,
    (e: Error) => e,
  );
  assert.ok(err, "GET on a list should fail");
  assert.not.instance(err, DependencyUnavailableError);
  assert.match(err!.message, /WRONGTYPE/);
  await cache.close();
});

test("a call made right after construction waits for the first connection", async () => {
  const cache = new RedisCache({ url, prefix: `${run}first:`, clock: systemClock });
  assert.is(cache.state, "connecting");
  await cache.set("k", 1);
  assert.is(cache.state, "up");
  await cache.close();
  assert.is(cache.state, "closed");
});

test("a cache pointed at a port nobody listens on fails fast with DependencyUnavailableError", async () => {
  const port = await freePort();
  const cache = new RedisCache({ url: `redis://127.0.0.1:${port}`, prefix: `${run}none:`, clock: systemClock });
  const started = performance.now();
  const err = await cache.get("k").then(
    () => null,
    (e: Error) => e,
  );
  const elapsed = performance.now() - started;
  assert.instance(err, DependencyUnavailableError);
  assert.is((err as DependencyUnavailableError).dependency, "cache");
  assert.match(err!.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
  assert.ok(elapsed < 2_000, `took ${Math.round(elapsed)} ms`);
  await cache.close();
});

test.run();
