// Stops and restarts a private redis-server under a live RedisCache: calls fail fast during the
// outage and succeed again by themselves once the server is back.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { systemClock } from "../../../src/actors/runtime/clock.ts";
import { RedisCache, type RedisConnectionState } from "../../../src/adapters/cache/redis-cache.ts";
import { DependencyUnavailableError } from "../../../src/errors.ts";
import { type PrivateRedisServer, privateRedisServer } from "./private-redis-server.ts";

const test = suite<{ server: PrivateRedisServer }>("Redis cache outage");

test.before(async (ctx) => {
  ctx.server = await privateRedisServer();
  await ctx.server.start();
});
test.after(async (ctx) => {
  await ctx.server.dispose();
});

/** Resolves on the cache's next transition into `state`. */
function stateWatcher() {
  const waiters: Array<{ state: RedisConnectionState; resolve: () => void }> = [];
  return {
    onStateChange(state: RedisConnectionState) {
      for (const w of waiters.filter((w) => w.state === state)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    next(state: RedisConnectionState): Promise<void> {
      return new Promise((resolve) => waiters.push({ state, resolve }));
    },
  };
}

async function failure(p: Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const started = performance.now();
  try {
    await p;
  } catch (err) {
    return { err, ms: performance.now() - started };
  }
  assert.unreachable("expected the call to fail during the outage");
  throw new Error("unreachable");
}

test("calls fail fast while Redis is down and succeed again by themselves once it is back", async ({ server }) => {
  const watch = stateWatcher();
  const cache = new RedisCache({
    url: server.url,
    prefix: `outage:${randomUUID()}:`,
    clock: systemClock,
    maxReconnectDelayMs: 100,
    onStateChange: watch.onStateChange,
  });
  await cache.set("analytics:daily:latest", { ok: 1 });
  assert.equal(await cache.get("analytics:daily:latest"), { ok: 1 });

  const down = watch.next("down");
  await server.stop();
  await down;

  const calls = [() => cache.get("analytics:daily:latest"), () => cache.set("k", 1), () => cache.keys("*"), () => cache.ping()];
  for (const call of calls) {
    const { err, ms } = await failure(call());
    assert.instance(err, DependencyUnavailableError);
    assert.is((err as DependencyUnavailableError).dependency, "cache");
    assert.match((err as Error).message, new RegExp(`127\\.0\\.0\\.1:${server.port}`));
    assert.ok(ms < 200, `a call during the outage took ${Math.round(ms)} ms to fail`);
  }

  const up = watch.next("up");
  await server.start();
  await up;

  // The private server keeps nothing on disk: the earlier value is gone, new work goes through.
  assert.is(await cache.get("analytics:daily:latest"), null);
  await cache.set("analytics:daily:latest", { ok: 2 }, 60_000);
  assert.equal(await cache.get("analytics:daily:latest"), { ok: 2 });
  await cache.close();
});

test("a command in flight when the connection drops fails at once instead of waiting for a reconnect", async ({
  server,
}) => {
  const watch = stateWatcher();
  const cache = new RedisCache({
    url: server.url,
    prefix: `inflight:${randomUUID()}:`,
    clock: systemClock,
    commandTimeoutMs: 10_000, // long, so only the dropped socket can end the call quickly
    onStateChange: watch.onStateChange,
  });
  await cache.ping();
  // Pause the server's clients so the GET stays unanswered, then take the server away.
  const { Redis } = await import("ioredis");
  const admin = new Redis(server.url);
  await admin.call("CLIENT", "PAUSE", "5000", "ALL");
  const pending = failure(cache.get("k"));
  const down = watch.next("down");
  await server.stop();
  admin.disconnect();
  await down;
  const { err, ms } = await pending;
  assert.instance(err, DependencyUnavailableError);
  assert.ok(ms < 5_000, `the in-flight call took ${Math.round(ms)} ms`);

  const up = watch.next("up");
  await server.start();
  await up;
  await cache.ping();
  await cache.close();
});

test.run();
