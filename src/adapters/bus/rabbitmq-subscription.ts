// One subscription on RabbitMQ: its own channel, a queue bound to the exchange with the pattern,
// and a consumer. It is attached to one connection at a time; when the connection drops the bus
// detaches it and attaches it again to the next connection (a private queue is declared anew; a
// named durable queue is found again with the events that arrived meanwhile).
//
// Messages are acked after the handler resolves (at least once). A handler that throws gets the
// message once more (requeued unless it was already a redelivery), then it is dropped and logged:
// a poison message must not loop forever, and the periodic syncs repair what one lost event missed.
import type { Channel, ChannelModel, ConsumeMessage } from "amqplib";
import type { Logger } from "../../logger.ts";
import type { CatalogEvent, EventHandler, Subscription } from "./event-bus.ts";
import type { Clock } from "../../actors/runtime/clock.ts";

/** A consumer the broker cancelled, or whose channel failed, is set up again after this long. */
const REATTACH_AFTER_MS = 500;

export interface RabbitSubscriptionOptions {
  exchange: string;
  pattern: string;
  handler: EventHandler;
  queue?: string;
  prefetch: number;
  logger: Logger;
  clock: Clock;
  onClose: (sub: RabbitSubscription) => void;
}

export class RabbitSubscription implements Subscription {
  closed = false;
  readonly #o: RabbitSubscriptionOptions;
  #model: ChannelModel | null = null;
  #attaching: Promise<void> | null = null;
  #channel: Channel | null = null;
  #consumerTag: string | null = null;
  #tail: Promise<void> = Promise.resolve();

  constructor(options: RabbitSubscriptionOptions) {
    this.#o = options;
  }

  get pattern(): string {
    return this.#o.pattern;
  }

  get attached(): boolean {
    return this.#channel !== null;
  }

  /** Sets the subscription up on `model`; a second call for the same connection joins the first. */
  attach(model: ChannelModel): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.#model === model && this.#attaching) return this.#attaching;
    this.#model = model;
    this.#attaching = this.#attach(model);
    return this.#attaching;
  }

  /** The connection is gone: forget its channel (the broker already dropped the consumer). */
  detach(): void {
    this.#model = null;
    this.#attaching = null;
    this.#channel = null;
    this.#consumerTag = null;
  }

  async close(): Promise<void> {
    if (this.closed) return this.#tail;
    this.closed = true;
    this.#o.onClose(this);
    const channel = this.#channel;
    const tag = this.#consumerTag;
    this.detach();
    if (channel && tag) await channel.cancel(tag).catch(() => {}); // no new deliveries
    await this.#tail; // let the event being handled finish and be acked
    if (channel) await channel.close().catch(() => {});
  }

  /**
   * Sets up again on the same connection, unless it was replaced or the subscription closed: a
   * cancelled consumer or a failed channel leaves the connection up, and nothing else would.
   */
  #reattach(model: ChannelModel | null): void {
    this.#o.clock.setTimeout(() => {
      if (this.closed || model === null || this.#model !== model || this.#channel) return;
      this.#attaching = this.#attach(model).catch((err) => {
        this.#o.logger.error(`Could not resubscribe to "${this.#o.pattern}"`, err);
        this.#reattach(model);
      });
    }, REATTACH_AFTER_MS);
  }

  async #attach(model: ChannelModel): Promise<void> {
    const { exchange, pattern, queue, prefetch, logger } = this.#o;
    const channel = await model.createChannel();
    channel.on("error", (err: Error) => logger.warn(`Subscription "${pattern}" channel error`, err));
    channel.on("close", () => {
      if (this.#channel === channel) {
        this.#channel = null;
        this.#consumerTag = null;
        this.#reattach(model); // the channel alone failed: the connection may still be up
      }
    });
    try {
      await channel.prefetch(prefetch);
      const declared = queue
        ? await channel.assertQueue(queue, { durable: true })
        : await channel.assertQueue("", { exclusive: true, autoDelete: true, durable: false });
      await channel.bindQueue(declared.queue, exchange, pattern);
      const { consumerTag } = await channel.consume(declared.queue, (msg) => this.#receive(channel, msg), {
        noAck: false,
      });
      if (this.closed || this.#model !== model) {
        await channel.close().catch(() => {}); // closed, or the connection changed, while we set up
        return;
      }
      this.#channel = channel;
      this.#consumerTag = consumerTag;
    } catch (err) {
      await channel.close().catch(() => {});
      if (this.#model === model) {
        this.#model = null;
        this.#attaching = null;
      }
      throw err;
    }
  }

  #receive(channel: Channel, msg: ConsumeMessage | null): void {
    if (msg === null) {
      // Cancelled by the broker (queue deleted): set up again, on this connection.
      this.#o.logger.warn(`Subscription "${this.#o.pattern}" was cancelled by the broker`);
      if (this.#channel === channel) {
        this.#channel = null;
        this.#consumerTag = null;
        channel.close().catch(() => {});
        this.#reattach(this.#model);
      }
      return;
    }
    this.#tail = this.#tail.then(() => this.#handle(channel, msg));
  }

  async #handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    const { logger, pattern, handler } = this.#o;
    let event: CatalogEvent;
    try {
      event = JSON.parse(msg.content.toString("utf8")) as CatalogEvent;
    } catch (err) {
      logger.error(`Dropped a message on "${pattern}" that is not JSON (routing key ${msg.fields.routingKey})`, err);
      settle(() => channel.nack(msg, false, false));
      return;
    }
    try {
      await handler(event);
      settle(() => channel.ack(msg));
    } catch (err) {
      const again = !msg.fields.redelivered;
      logger.error(
        `Event handler for "${pattern}" failed on ${msg.fields.routingKey}; ${again ? "it will be redelivered once" : "dropped after a redelivery"}`,
        err,
      );
      settle(() => channel.nack(msg, false, again));
    }
  }
}

// An ack on a channel that closed meanwhile throws; the broker redelivers the message anyway.
function settle(fn: () => void): void {
  try {
    fn();
  } catch {
    // the channel is gone; nothing to settle
  }
}
