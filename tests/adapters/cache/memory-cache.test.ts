import { spawn } from "node:child_process";
import process from "node:process";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { VirtualClock } from "../../../src/actors/runtime/virtual-clock.ts";
import { MemoryCache } from "../../../src/adapters/cache/memory-cache.ts";
import { cacheConformance } from "./cache-conformance.ts";

const conformanceClock = new VirtualClock("2025-12-15T00:00:00Z");
cacheConformance("in-process", {
  open: async () => new MemoryCache({ clock: conformanceClock }),
  elapse: (ms) => conformanceClock.advance(ms),
});

const test = suite("in-process cache");

test("a TTL ends exactly at its instant on the injected clock", async () => {
  const clock = new VirtualClock(0);
  const cache = new MemoryCache({ clock });
  await cache.set("k", "v", 1000);
  await clock.advance(999);
  assert.is(await cache.get("k"), "v");
  assert.is(await cache.ttl("k"), 1);
  await clock.advance(1);
  assert.is(await cache.get("k"), null);
  await cache.close();
});

test("the periodic sweep drops expired entries nobody reads again", async () => {
  const clock = new VirtualClock(0);
  const cache = new MemoryCache({ clock, sweepIntervalMs: 1000 });
  for (let i = 0; i < 5; i++) await cache.set(`short:${i}`, i, 10);
  await cache.set("long", "stays");
  assert.is(cache.size, 6);
  await clock.advance(1000);
  assert.is(cache.size, 1);
  assert.is(clock.pendingTimers, 1, "the sweep re-arms itself");
  await cache.close();
});

test("closing the cache disarms its sweep timer", async () => {
  const clock = new VirtualClock(0);
  const cache = new MemoryCache({ clock });
  assert.is(clock.pendingTimers, 1);
  await cache.close();
  assert.is(clock.pendingTimers, 0);
});

test("a sweep interval that is not a positive number is refused", () => {
  assert.throws(() => new MemoryCache({ clock: new VirtualClock(0), sweepIntervalMs: 0 }), RangeError);
});

test("an open cache on the system clock does not keep the process alive", async () => {
  const module = new URL("../../../src/adapters/cache/memory-cache.ts", import.meta.url).href;
  const clockModule = new URL("../../../src/actors/runtime/clock.ts", import.meta.url).href;
  const code = `
    const { MemoryCache } = await import(${JSON.stringify(module)});
    const { systemClock } = await import(${JSON.stringify(clockModule)});
    const cache = new MemoryCache({ clock: systemClock, sweepIntervalMs: 60000 });
    await cache.set("k", 1, 600000);
    console.log("set");`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  // A guard, not a wait: the process should exit on its own long before this.
  const guard = setTimeout(() => child.kill("SIGKILL"), 20_000);
  const [code_, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.on("exit", (c, s) => resolve([c, s])),
  );
  clearTimeout(guard);
  assert.is(signal, null, "the process had to be killed: something kept it alive");
  assert.is(code_, 0);
  assert.is(out.trim(), "set");
});

test.run();
