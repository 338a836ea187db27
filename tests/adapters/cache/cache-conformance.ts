// One suite every Cache implementation must pass. Each *.test.ts calls cacheConformance with a
// harness for its implementation; nothing here knows which one it is testing.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Cache } from "../../../src/adapters/cache/cache.ts";

export interface CacheHarness {
  /** A fresh cache that sees none of the other tests' keys (own prefix, own map). */
  open(): Promise<Cache>;
  /** Lets `ms` of the cache's time pass: virtual time for the embedded cache, real time for Redis. */
  elapse(ms: number): Promise<void>;
  /** After the last test: remove whatever the suite left behind. */
  teardown?(): Promise<void>;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  assert.unreachable("expected the call to reject, and it resolved");
  throw new Error("unreachable");
}

export function cacheConformance(name: string, harness: CacheHarness): void {
  const test = suite<{ cache: Cache }>(`${name} cache conformance`);
  test.before.each(async (ctx) => {
    ctx.cache = await harness.open();
  });
  test.after.each(async (ctx) => {
    await ctx.cache.close();
  });
  test.after(async () => {
    await harness.teardown?.();
  });

  test("a stored value reads back as the same JSON", async ({ cache }) => {
    const value = { totalProducts: 150, inStock: 120, byCategory: [{ name: "Books", value: 12.5 }], ok: true };
    await cache.set("analytics:daily:latest", value);
    assert.equal(await cache.get("analytics:daily:latest"), value);
    await cache.set("counts:in-stock", 120);
    assert.is(await cache.get("counts:in-stock"), 120);
    await cache.set("note", "plain text");
    assert.is(await cache.get("note"), "plain text");
    await cache.set("at", new Date("2025-12-15T02:00:00.000Z"));
    assert.is(await cache.get("at"), "2025-12-15T02:00:00.000Z");
  });

  test("a missing key reads as null and has no TTL", async ({ cache }) => {
    assert.is(await cache.get("nothing:here"), null);
    assert.is(await cache.ttl("nothing:here"), null);
  });

  test("a stored object is a copy: changing it afterwards leaves the cache as it was", async ({ cache }) => {
    const value = { items: [1, 2, 3] };
    await cache.set("products:popular", value);
    value.items.push(4);
    const read = await cache.get<{ items: number[] }>("products:popular");
    assert.equal(read, { items: [1, 2, 3] });
    read!.items.push(5);
    assert.equal(await cache.get("products:popular"), { items: [1, 2, 3] });
  });

  test("keys and values keep non-ASCII text", async ({ cache }) => {
    await cache.set("categories:café", { name: "Crème brûlée ✓ 東京" });
    assert.equal(await cache.get("categories:café"), { name: "Crème brûlée ✓ 東京" });
    assert.equal(await cache.keys("categories:*"), ["categories:café"]);
  });

  test("a value without a TTL stays and reports no TTL", async ({ cache }) => {
    await cache.set("categories:all", ["Books"]);
    assert.is(await cache.ttl("categories:all"), null);
    await harness.elapse(150);
    assert.equal(await cache.get("categories:all"), ["Books"]);
  });

  test("a value with a TTL reports what is left of it and is gone once it runs out", async ({ cache }) => {
    await cache.set("products:popular", [1, 2], 100);
    const left = await cache.ttl("products:popular");
    assert.ok(left !== null && left > 0 && left <= 100, `TTL left should be in (0, 100], got ${left}`);
    await harness.elapse(150);
    assert.is(await cache.get("products:popular"), null);
    assert.is(await cache.ttl("products:popular"), null);
    assert.equal(await cache.keys("products:*"), []);
    assert.is(await cache.delete("products:popular"), false);
  });

  test("setting a key again replaces both its value and its TTL", async ({ cache }) => {
    await cache.set("counts:categories", 1, 100);
    await cache.set("counts:categories", 2);
    assert.is(await cache.get("counts:categories"), 2);
    assert.is(await cache.ttl("counts:categories"), null);
    await harness.elapse(150);
    assert.is(await cache.get("counts:categories"), 2);
  });

  test("delete removes a key and says whether there was one", async ({ cache }) => {
    await cache.set("reports:inventory:weekly:2025:W51", { lowStock: 3 });
    assert.is(await cache.delete("reports:inventory:weekly:2025:W51"), true);
    assert.is(await cache.get("reports:inventory:weekly:2025:W51"), null);
    assert.is(await cache.delete("reports:inventory:weekly:2025:W51"), false);
  });

  test("keys matches Redis globs and returns keys without the prefix, sorted", async ({ cache }) => {
    const all = [
      "analytics:daily:latest",
      "analytics:daily:2025-12-15",
      "reports:inventory:weekly:2025:W51",
      "reports:inventory:weekly:2025:W52",
      "reports:inventory:weekly:2026:W01",
      "products:popular",
      "odd*key",
      "oddity",
    ];
    for (const k of all) await cache.set(k, k);
    assert.equal(await cache.keys("*"), [...all].sort());
    assert.equal(await cache.keys("reports:inventory:*"), [
      "reports:inventory:weekly:2025:W51",
      "reports:inventory:weekly:2025:W52",
      "reports:inventory:weekly:2026:W01",
    ]);
    assert.equal(await cache.keys("reports:inventory:weekly:2025:W5?"), [
      "reports:inventory:weekly:2025:W51",
      "reports:inventory:weekly:2025:W52",
    ]);
    assert.equal(await cache.keys("[ap]*:popular"), ["products:popular"]);
    assert.equal(await cache.keys("analytics:daily:[^l]*"), ["analytics:daily:2025-12-15"]);
    assert.equal(await cache.keys("reports:inventory:weekly:202[5-6]:W0*"), ["reports:inventory:weekly:2026:W01"]);
    assert.equal(await cache.keys("odd\\*key"), ["odd*key"]);
    assert.equal(await cache.keys("odd*"), ["odd*key", "oddity"]);
    assert.equal(await cache.keys("nothing:*"), []);
  });

  test("values with no JSON form, non-positive TTLs and empty keys are refused before anything is stored", async ({
    cache,
  }) => {
    assert.instance(await rejection(cache.set("x", undefined)), TypeError);
    assert.instance(await rejection(cache.set("x", () => 1)), TypeError);
    assert.instance(await rejection(cache.set("x", 1, 0)), RangeError);
    assert.instance(await rejection(cache.set("x", 1, -5)), RangeError);
    assert.instance(await rejection(cache.set("x", 1, Number.NaN)), RangeError);
    assert.instance(await rejection(cache.set("", 1)), TypeError);
    assert.instance(await rejection(cache.get("")), TypeError);
    assert.is(await cache.get("x"), null);
  });

  test("ping resolves while the cache is reachable", async ({ cache }) => {
    await cache.ping();
  });

  test("calls after close reject, and closing twice is harmless", async ({ cache }) => {
    await cache.close();
    await cache.close();
    assert.instance(await rejection(cache.get("anything")), Error);
    assert.instance(await rejection(cache.set("anything", 1)), Error);
  });

  test.run();
}
