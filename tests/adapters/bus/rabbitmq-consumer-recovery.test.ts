// A subscription whose consumer the broker cancels (its queue deleted) while the connection stays
// up: it must consume again, not sit silent with the bus still "up".
import { randomUUID } from "node:crypto";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { systemClock } from "../../../src/actors/runtime/clock.ts";
import { RabbitMqBus } from "../../../src/adapters/bus/rabbitmq-bus.ts";
import { createLogger, memorySink } from "../../../src/logger.ts";
import { collector, productEvent } from "./collect-events.ts";
import { admin, cleanUp, RABBITMQ_URL } from "./rabbitmq-admin.ts";

const run = randomUUID().slice(0, 8);
const exchange = `catalog.events.recovery.${run}`;
const queue = `catalog-jobs.recovery.${run}`;
const logger = createLogger({ category: "test", sink: memorySink() });

test("a subscription whose consumer is cancelled by the broker (queue deleted) resumes consuming while the connection stays up", async () => {
  const bus = await RabbitMqBus.open({ url: RABBITMQ_URL, clock: systemClock, exchange, connectionName: `recovery-${run}`, logger });
  const a = await admin();
  try {
    const got = collector();
    await bus.subscribe("product.*", got.handler, { queue });
    await bus.publish(productEvent("product.created"));
    await got.until(1);
    // An operator (or a policy) deletes the queue: the broker cancels the consumer (basic.cancel).
    const ch = await a.channel();
    await ch.deleteQueue(queue);
    await new Promise((r) => setTimeout(r, 1500)); // plenty of time for any re-attach
    assert.is(bus.state, "up"); // the connection never dropped
    await bus.publish(productEvent("product.updated"));
    await got.until(2, 5000); // fails: the subscription is dead until the *connection* is replaced
  } finally {
    await a.close();
    await bus.close();
    await cleanUp([exchange], [queue]);
  }
});

test.run();
