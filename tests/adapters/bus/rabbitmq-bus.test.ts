// Runs against the shared RabbitMQ on this machine (TEST_RABBITMQ_URL, default guest@127.0.0.1).
// Every exchange and named queue is unique to the run and deleted at the end.
import { randomUUID } from "node:crypto";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { systemClock } from "../../../src/actors/runtime/clock.ts";
import { VirtualClock } from "../../../src/actors/runtime/virtual-clock.ts";
import { createEventBus } from "../../../src/adapters/bus/create-event-bus.ts";
import type { EventBus } from "../../../src/adapters/bus/event-bus.ts";
import { RabbitMqBus, type RabbitMqBusOptions } from "../../../src/adapters/bus/rabbitmq-bus.ts";
import { DependencyUnavailableError } from "../../../src/errors.ts";
import { createLogger, memorySink } from "../../../src/logger.ts";
import { freePort } from "../cache/private-redis-server.ts";
import { busConformance } from "./bus-conformance.ts";
import { collector, productEvent } from "./collect-events.ts";
import { admin, cleanUp, RABBITMQ_URL } from "./rabbitmq-admin.ts";

const run = randomUUID().slice(0, 8);
const exchanges = new Set<string>();
const queues = new Set<string>();
const logger = createLogger({ category: "test", sink: memorySink() });

function options(scope: string, extra: Partial<RabbitMqBusOptions> = {}): RabbitMqBusOptions {
  const exchange = `catalog.events.test.${run}.${scope}`;
  exchanges.add(exchange);
  return { url: RABBITMQ_URL, clock: systemClock, exchange, connectionName: `catalog-jobs-test-${run}`, logger, ...extra };
}

busConformance("RabbitMQ", {
  open: (scope) => RabbitMqBus.open(options(scope)),
  teardown: () => cleanUp([...exchanges]),
});

const test = suite("RabbitMQ event bus");
const opened: EventBus[] = [];
const open = async (scope: string, extra: Partial<RabbitMqBusOptions> = {}) => {
  const bus = await RabbitMqBus.open(options(scope, extra));
  opened.push(bus);
  return bus;
};
test.after.each(async () => {
  for (const bus of opened.splice(0)) await bus.close();
});
test.after(() => cleanUp([...exchanges], [...queues]));

test("events are persistent JSON messages with an id and a timestamp on a durable topic exchange", async () => {
  const clock = new VirtualClock("2025-12-15T02:00:00Z");
  const bus = await open("props", { clock });
  const a = await admin();
  try {
    const ch = await a.channel();
    const exchange = options("props").exchange!;
    // Re-declaring with the same arguments succeeds only if the exchange is a durable topic one.
    await ch.assertExchange(exchange, "topic", { durable: true });
    const { queue } = await ch.assertQueue("", { exclusive: true });
    await ch.bindQueue(queue, exchange, "#");
    const event = productEvent("product.stock_changed", { stockQuantity: 3, previousStock: 8 });
    await bus.publish(event);
    // Publisher confirms: once publish resolved, the broker has the message in the queue.
    assert.is((await ch.checkQueue(queue)).messageCount, 1);
    const msg = await ch.get(queue, { noAck: true });
    assert.ok(msg);
    if (!msg) return;
    assert.is(msg.fields.routingKey, "product.stock_changed");
    assert.is(msg.fields.exchange, exchange);
    assert.equal(JSON.parse(msg.content.toString()), event);
    assert.is(msg.properties.deliveryMode, 2);
    assert.is(msg.properties.contentType, "application/json");
    assert.match(String(msg.properties.messageId), /^[0-9a-f-]{36}$/);
    assert.is(msg.properties.timestamp, Date.parse("2025-12-15T02:00:00Z") / 1000);
    assert.is(msg.properties.type, "product.stock_changed");
    assert.is(msg.properties.appId, "catalog-jobs");
  } finally {
    await a.close();
  }
});

test("an exchange declared differently is refused rather than silently used", async () => {
  const a = await admin();
  try {
    const ch = await a.channel();
    const exchange = options("other-kind").exchange!;
    await ch.assertExchange(exchange, "fanout", { durable: false });
    const bus = await RabbitMqBus.open(options("other-kind"));
    opened.push(bus);
    const err = await bus.publish(productEvent("product.created")).then(
      () => null,
      (e: Error) => e,
    );
    assert.ok(err, "publishing to a fanout exchange of the same name should fail");
    assert.match(err!.message, /PRECONDITION_FAILED|inequivalent/i);
  } finally {
    await a.close();
  }
});

test("a named subscription keeps the events published while nobody consumes it", async () => {
  const queue = `catalog-jobs-test-${run}.search-sync`;
  queues.add(queue);
  const bus = await open("durable");
  const first = collector("first");
  const sub = await bus.subscribe("product.#", first.handler, { queue });
  await bus.publish(productEvent("product.created"));
  await first.until(1);
  await sub.close();

  const whileAway = productEvent("product.updated");
  await bus.publish(whileAway);
  const second = collector("second");
  await bus.subscribe("product.#", second.handler, { queue });
  assert.equal(await second.until(1), [whileAway]);

  const a = await admin();
  const info = await (await a.channel()).checkQueue(queue);
  assert.is(info.queue, queue);
  await a.close();
});

test("subscribers sharing a queue name split its events", async () => {
  const queue = `catalog-jobs-test-${run}.shared`;
  queues.add(queue);
  const bus = await open("shared");
  const a = collector("a");
  const b = collector("b");
  const both = collector("both");
  await bus.subscribe("product.*", (e) => (a.handler(e), both.handler(e)), { queue });
  await bus.subscribe("product.*", (e) => (b.handler(e), both.handler(e)), { queue });
  for (let i = 0; i < 20; i++) await bus.publish(productEvent("product.updated"));
  await both.until(20);
  assert.is(a.events.length + b.events.length, 20);
  assert.ok(a.events.length > 0 && b.events.length > 0, `split ${a.events.length}/${b.events.length}`);
});

test("a queue name RabbitMQ reserves is refused when subscribing, and the bus keeps working", async () => {
  const bus = await open("reserved");
  const err = await bus.subscribe("#", () => {}, { queue: "amq.reserved" }).then(
    () => null,
    (e: Error) => e,
  );
  assert.ok(err);
  assert.not.instance(err, DependencyUnavailableError);
  assert.match(err!.message, /ACCESS_REFUSED|403/);
  const got = collector();
  await bus.subscribe("#", got.handler);
  await bus.publish(productEvent("product.created"));
  await got.until(1);
});

test("publishing when no broker listens fails fast with DependencyUnavailableError", async () => {
  const port = await freePort();
  const bus = await RabbitMqBus.open({ ...options("nobody"), url: `amqp://guest:s3cret@127.0.0.1:${port}` });
  opened.push(bus);
  const started = performance.now();
  const err = await bus.publish(productEvent("product.created")).then(
    () => null,
    (e: Error) => e,
  );
  assert.instance(err, DependencyUnavailableError);
  assert.is((err as DependencyUnavailableError).dependency, "bus");
  assert.match(err!.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
  assert.not.match(err!.message, /s3cret/);
  assert.ok(performance.now() - started < 2_000);
  assert.is(bus.state, "down");
});

test("configuration with RABBITMQ_URL selects the RabbitMQ bus on the catalog.events exchange", async () => {
  const bus = await createEventBus({ rabbitmqUrl: RABBITMQ_URL }, { clock: systemClock, logger });
  opened.push(bus);
  assert.is(bus.kind, "rabbitmq");
  assert.is((bus as RabbitMqBus).exchange, "catalog.events");
  await bus.ping();
});

test.run();
