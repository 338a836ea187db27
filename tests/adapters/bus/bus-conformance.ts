// One suite every EventBus implementation must pass.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { CatalogEvent, EventBus } from "../../../src/adapters/bus/event-bus.ts";
import { alertEvent, collector, deferred, productEvent } from "./collect-events.ts";

export interface BusHarness {
  /** A bus; buses opened with the same scope share events (same channel / exchange). */
  open(scope: string): Promise<EventBus>;
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

export function busConformance(name: string, harness: BusHarness): void {
  const test = suite<{ open: (scope?: string) => Promise<EventBus>; opened: EventBus[] }>(`${name} event bus conformance`);
  let scopes = 0;
  test.before.each((ctx) => {
    const scope = `s${++scopes}`;
    ctx.opened = [];
    ctx.open = async (s = scope) => {
      const bus = await harness.open(s);
      ctx.opened.push(bus);
      return bus;
    };
  });
  test.after.each(async (ctx) => {
    for (const bus of ctx.opened) await bus.close();
  });
  test.after(async () => {
    await harness.teardown?.();
  });

  test("a subscriber receives a published event as the same JSON", async ({ open }) => {
    const bus = await open();
    const got = collector();
    await bus.subscribe("product.*", got.handler);
    const event = productEvent("product.stock_changed", { stockQuantity: 4, previousStock: 9 });
    await bus.publish(event);
    assert.equal(await got.until(1), [event]);
  });

  test("topic patterns route like RabbitMQ: * is one word, # any number of words", async ({ open }) => {
    const bus = await open();
    const patterns = ["product.*", "product.stock_changed", "inventory.alert.*", "inventory.alert.critical", "inventory.#", "#", "*"];
    const subs = Object.fromEntries(patterns.map((p) => [p, collector(p)]));
    for (const p of patterns) await bus.subscribe(p, subs[p].handler);
    const created = productEvent("product.created");
    const stock = productEvent("product.stock_changed");
    const critical = alertEvent("critical");
    const low = alertEvent("low");
    // Last come the fences: each subscription's final expected event. Per subscription, events
    // arrive in publish order, so by the time a list reaches its length nothing unexpected can
    // still be on its way ahead of the fence.
    const fenceUpdated = productEvent("product.updated");
    const fenceStock = productEvent("product.stock_changed");
    const fenceCritical = alertEvent("critical", 8);
    for (const e of [created, low, stock, critical, fenceUpdated, fenceStock, fenceCritical]) await bus.publish(e);
    const expected: Record<string, CatalogEvent[]> = {
      "product.*": [created, stock, fenceUpdated, fenceStock],
      "product.stock_changed": [stock, fenceStock],
      "inventory.alert.*": [low, critical, fenceCritical],
      "inventory.alert.critical": [critical, fenceCritical],
      "inventory.#": [low, critical, fenceCritical],
      "#": [created, low, stock, critical, fenceUpdated, fenceStock, fenceCritical],
      "*": [],
    };
    for (const p of patterns) {
      if (expected[p].length) assert.equal(await subs[p].until(expected[p].length), expected[p], p);
    }
    assert.equal(subs["*"].events, [], "no routing key here has a single word");
  });

  test("events from one publisher arrive in the order they were published", async ({ open }) => {
    const bus = await open();
    const got = collector();
    await bus.subscribe("product.stock_changed", got.handler);
    const sent = Array.from({ length: 50 }, (_, i) => productEvent("product.stock_changed", { stockQuantity: i }));
    await Promise.all(sent.map((e) => bus.publish(e)));
    assert.equal(await got.until(50), sent);
  });

  test("a handler gets one event at a time", async ({ open }) => {
    const bus = await open();
    let running = 0;
    let most = 0;
    const got = collector();
    await bus.subscribe("product.*", async (e) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      running--;
      got.handler(e);
    });
    for (let i = 0; i < 10; i++) await bus.publish(productEvent("product.updated"));
    await got.until(10);
    assert.is(most, 1);
  });

  test("every subscription gets its own copy of an event", async ({ open }) => {
    const bus = await open();
    const a = collector("a");
    const b = collector("b");
    await bus.subscribe("product.*", (e) => {
      (e as { sku: string }).sku = "CHANGED";
      a.handler(e);
    });
    await bus.subscribe("product.*", b.handler);
    const event = productEvent("product.created");
    await bus.publish(event);
    await a.until(1);
    assert.equal(await b.until(1), [event]);
    assert.is.not(event.sku, "CHANGED", "the publisher's object is untouched");
  });

  test("a handler that throws does not hold up the events after it", async ({ open }) => {
    const bus = await open();
    const good = collector();
    await bus.subscribe("product.*", (e) => {
      if (e.type === "product.deleted") throw new Error("handler bug");
      good.handler(e);
    });
    const after = [productEvent("product.created"), productEvent("product.updated")];
    await bus.publish(productEvent("product.deleted"));
    for (const e of after) await bus.publish(e);
    assert.equal(await good.until(2), after);
  });

  test("a closed subscription gets no more events", async ({ open }) => {
    const bus = await open();
    const closed = collector("closed");
    const open_ = collector("open");
    const sub = await bus.subscribe("#", closed.handler);
    await bus.subscribe("#", open_.handler);
    await bus.publish(productEvent("product.created"));
    await closed.until(1);
    await sub.close();
    await sub.close();
    await bus.publish(productEvent("product.updated"));
    await open_.until(2);
    assert.is(closed.events.length, 1);
  });

  test("closing a subscription waits for the event being handled", async ({ open }) => {
    const bus = await open();
    const started = deferred();
    const release = deferred();
    const order: string[] = [];
    const sub = await bus.subscribe("product.*", async () => {
      started.resolve();
      await release.promise;
      order.push("handler finished");
    });
    await bus.publish(productEvent("product.created"));
    await started.promise;
    const closing = sub.close().then(() => order.push("close resolved"));
    release.resolve();
    await closing;
    assert.equal(order, ["handler finished", "close resolved"]);
  });

  test("a second bus on the same channel receives what the first publishes", async ({ open }) => {
    const first = await open();
    const second = await open();
    const here = collector("same bus");
    const there = collector("other bus");
    await first.subscribe("inventory.alert.*", here.handler);
    await second.subscribe("inventory.alert.*", there.handler);
    const event = alertEvent("out_of_stock");
    await first.publish(event);
    assert.equal(await there.until(1), [event]);
    assert.equal(await here.until(1), [event]);
  });

  test("buses on different channels do not see each other's events", async ({ open }) => {
    const mine = await open("isolated-a");
    const other = await open("isolated-b");
    const theirs = collector("other channel");
    const fence = collector("fence");
    await other.subscribe("#", theirs.handler);
    await mine.subscribe("#", fence.handler);
    await mine.publish(productEvent("product.created"));
    await fence.until(1);
    await other.publish(productEvent("product.updated"));
    await theirs.until(1);
    assert.is(theirs.events[0].type, "product.updated");
  });

  test("what is not a catalog event is refused with a TypeError before it is sent", async ({ open }) => {
    const bus = await open();
    for (const bad of [
      null,
      { type: "product.exploded", productId: 1, sku: "X", at: "2025-12-15T00:00:00Z" },
      { type: "product.created", productId: "1", sku: "X", at: "2025-12-15T00:00:00Z" },
      { type: "inventory.alert", level: "meh", productId: 1, sku: "X", name: "n", stockQuantity: 1, at: "x" },
    ]) {
      const err = await rejection(bus.publish(bad as unknown as CatalogEvent));
      assert.instance(err, TypeError, JSON.stringify(bad));
    }
    assert.instance(await rejection(bus.subscribe("x".repeat(300), () => {})), RangeError);
  });

  test("after close, publish and subscribe reject; closing twice is harmless", async ({ open }) => {
    const bus = await open();
    await bus.ping();
    await bus.close();
    await bus.close();
    assert.instance(await rejection(bus.publish(productEvent("product.created"))), Error);
    assert.instance(await rejection(bus.subscribe("#", () => {})), Error);
    assert.instance(await rejection(bus.ping()), Error);
  });

  test.run();
}
