// Forces the bus's own broker connection closed (found by its unique connection_name; no other
// client of the shared broker is touched) and checks that publishing fails fast while it is down,
// and that publishing and every subscription come back by themselves.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { systemClock } from "../../../src/actors/runtime/clock.ts";
import { type BusConnectionState, RabbitMqBus } from "../../../src/adapters/bus/rabbitmq-bus.ts";
import { DependencyUnavailableError } from "../../../src/errors.ts";
import { createLogger, memorySink } from "../../../src/logger.ts";
import { collector, productEvent } from "./collect-events.ts";
import { cleanUp, closeConnectionNamed, RABBITMQ_URL } from "./rabbitmq-admin.ts";

const run = randomUUID().slice(0, 8);
const exchange = `catalog.events.test.${run}.outage`;
const queue = `catalog-jobs-test-${run}.outage`;
const logger = createLogger({ category: "test", sink: memorySink() });

/** Resolves on the bus's next transition into `state`. */
function stateWatcher() {
  const waiters: Array<{ state: BusConnectionState; resolve: () => void }> = [];
  return {
    onStateChange(state: BusConnectionState) {
      for (const w of waiters.filter((w) => w.state === state)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    next(state: BusConnectionState): Promise<void> {
      return new Promise((resolve) => waiters.push({ state, resolve }));
    },
  };
}

const test = suite("RabbitMQ event bus outage");
test.after(() => cleanUp([exchange], [queue]));

test("after its connection is forced closed the bus fails fast, then reconnects and resubscribes by itself", async () => {
  const name = `catalog-jobs-test-${run}-outage`;
  const watch = stateWatcher();
  const bus = await RabbitMqBus.open({
    url: RABBITMQ_URL,
    clock: systemClock,
    exchange,
    connectionName: name,
    logger,
    reconnectDelayMs: { initial: 300, max: 1_000 }, // a window to publish into while down
    onStateChange: watch.onStateChange,
  });
  // Publishes while the first bus is down, over a connection of its own.
  const other = await RabbitMqBus.open({ url: RABBITMQ_URL, clock: systemClock, exchange, connectionName: `${name}-other`, logger });
  try {
    const privateSub = collector("private queue");
    const namedSub = collector("named queue");
    await bus.subscribe("product.*", privateSub.handler);
    await bus.subscribe("product.*", namedSub.handler, { queue });
    const before = productEvent("product.created");
    await bus.publish(before);
    await privateSub.until(1);
    await namedSub.until(1);

    const down = watch.next("down");
    const up = watch.next("up");
    const closing = closeConnectionNamed(name);
    await down;
    // The reconnect is at least ~240 ms away (300 ms less jitter): this runs inside that window.
    const started = performance.now();
    const err = await bus.publish(productEvent("product.updated")).then(
      () => null,
      (e: Error) => e,
    );
    const ms = performance.now() - started;
    assert.instance(err, DependencyUnavailableError);
    assert.is((err as DependencyUnavailableError).dependency, "bus");
    assert.ok(ms < 200, `publish during the outage took ${Math.round(ms)} ms to fail`);

    // Meanwhile another publisher's event lands in the durable named queue, not in the private
    // queue, which went away with the connection.
    const whileDown = productEvent("product.deleted");
    await other.publish(whileDown);

    await closing;
    await up;
    const after = productEvent("product.stock_changed", { stockQuantity: 1 });
    await bus.publish(after);
    assert.equal(await namedSub.until(3), [before, whileDown, after]);
    assert.equal(await privateSub.until(2), [before, after]);
  } finally {
    await other.close();
    await bus.close();
  }
});

test("a subscription made while the broker is away starts receiving once it is back", async () => {
  const name = `catalog-jobs-test-${run}-late`;
  const watch = stateWatcher();
  const bus = await RabbitMqBus.open({
    url: RABBITMQ_URL,
    clock: systemClock,
    exchange,
    connectionName: name,
    logger,
    reconnectDelayMs: { initial: 300, max: 1_000 },
    onStateChange: watch.onStateChange,
  });
  try {
    await bus.ping();
    const down = watch.next("down");
    const up = watch.next("up");
    const closing = closeConnectionNamed(name);
    await down;
    const got = collector("late subscription");
    await bus.subscribe("product.#", got.handler); // resolves at once; set up on reconnect
    await closing;
    await up;
    const event = productEvent("product.created");
    await bus.publish(event);
    assert.equal(await got.until(1), [event]);
  } finally {
    await bus.close();
  }
});

test.run();
