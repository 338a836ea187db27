// The worker threads' view of the embedded cache: RpcCache forwarding every call over a real
// MessageChannel (so arguments and results are structured-cloned, as between threads) to the
// handlers the main thread registers over a MemoryCache. It must pass the same conformance suite.
import { MessageChannel, type MessagePort } from "node:worker_threads";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { VirtualClock } from "../../../src/actors/runtime/virtual-clock.ts";
import { MemoryCache } from "../../../src/adapters/cache/memory-cache.ts";
import { cacheRpcHandlers, type Rpc, RpcCache } from "../../../src/adapters/cache/rpc-cache.ts";
import { cacheConformance } from "./cache-conformance.ts";

interface Wire {
  rpc: Rpc;
  calls: string[];
  close(): void;
}

/** An rpc function whose calls cross a MessageChannel to handlers on the other port. */
function wire(handlers: Record<string, (...args: unknown[]) => Promise<unknown>>): Wire {
  const { port1, port2 } = new MessageChannel();
  const calls: string[] = [];
  port2.on("message", async ({ id, method, args }) => {
    calls.push(method);
    try {
      const fn = handlers[method];
      if (!fn) throw new TypeError(`no method ${method}`);
      port2.postMessage({ id, ok: true, value: await fn(...args) });
    } catch (err) {
      port2.postMessage({ id, ok: false, error: { type: (err as Error).name, message: (err as Error).message } });
    }
  });
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let seq = 0;
  (port1 as MessagePort).on("message", (m) => {
    const w = waiting.get(m.id)!;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.value);
    else w.reject(Object.assign(new Error(m.error.message), { name: m.error.type }));
  });
  return {
    calls,
    rpc: (method, ...args) =>
      new Promise((resolve, reject) => {
        const id = ++seq;
        waiting.set(id, { resolve, reject });
        port1.postMessage({ id, method, args });
      }),
    close: () => {
      port1.close();
      port2.close();
    },
  };
}

const clock = new VirtualClock("2025-12-15T00:00:00Z");
const wires: Wire[] = [];
cacheConformance("rpc over a MessageChannel to the in-process", {
  open: async () => {
    const w = wire(cacheRpcHandlers(new MemoryCache({ clock })));
    wires.push(w);
    return new RpcCache(w.rpc);
  },
  elapse: (ms) => clock.advance(ms),
  teardown: async () => {
    for (const w of wires) w.close();
  },
});

const test = suite("rpc cache");

test("every call reaches the main thread's cache, and what one thread writes another reads", async () => {
  const shared = new MemoryCache({ clock: new VirtualClock(0) });
  const a = wire(cacheRpcHandlers(shared));
  const b = wire(cacheRpcHandlers(shared));
  const inA = new RpcCache(a.rpc);
  const inB = new RpcCache(b.rpc);
  await inA.set("products:popular", [{ id: 1, price: 19.99 }], 60_000);
  assert.equal(await inB.get("products:popular"), [{ id: 1, price: 19.99 }]);
  assert.equal(await shared.get("products:popular"), [{ id: 1, price: 19.99 }]);
  assert.is(await inB.ttl("products:popular"), 60_000);
  assert.equal(a.calls, ["cache.setJson"]);
  assert.equal(b.calls, ["cache.get", "cache.ttl"]);
  a.close();
  b.close();
  await shared.close();
});

test("a value with a toJSON method is stored as its JSON form, as Redis would store it", async () => {
  const shared = new MemoryCache({ clock: new VirtualClock(0) });
  const w = wire(cacheRpcHandlers(shared));
  const cache = new RpcCache(w.rpc);
  class Money {
    constructor(readonly cents: number) {}
    toJSON() {
      return this.cents / 100;
    }
  }
  await cache.set("price", { total: new Money(4567890) });
  assert.equal(await cache.get("price"), { total: 45678.9 });
  w.close();
  await shared.close();
});

test("a refused argument fails in the calling thread and sends nothing", async () => {
  const w = wire(cacheRpcHandlers(new MemoryCache({ clock: new VirtualClock(0) })));
  const cache = new RpcCache(w.rpc);
  await cache.set("x", () => 1).then(
    () => assert.unreachable("should reject"),
    (err) => assert.instance(err, TypeError),
  );
  assert.equal(w.calls, []);
  w.close();
});

test.run();
