// The RabbitMQ event bus: a durable topic exchange ("catalog.events"), persistent JSON messages
// (deliveryMode 2, messageId, timestamp) published on a confirm channel, so publish resolves only
// once the broker has taken responsibility for the event.
//
// The bus owns one connection, recovered by amqplib's built-in recovery (exponential backoff with
// jitter) after a broker restart or a forced close; on every (re)connect `setup` declares the
// exchange, opens the publisher channel and re-attaches every subscription before the connection
// is used.
//
//   connecting ──connected──▶ up ──connection lost──▶ down ──reconnected──▶ up …
//        └──first attempt failed──▶ down                 close() from any state ──▶ closed
//
// While down, publish rejects at once with DependencyUnavailableError("bus") — the job that
// published fails and retries — instead of waiting for a connection that may be minutes away.
// Calls made during the very first connection attempt wait for it (connectTimeoutMs at most).
import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import { type ChannelModel, type ConfirmChannel, connect, type RecoveringChannelModel } from "amqplib";
import type { Clock, TimerHandle } from "../../actors/runtime/clock.ts";
import { DependencyUnavailableError } from "../../errors.ts";
import { createLogger, type Logger } from "../../logger.ts";
import {
  type CatalogEvent,
  checkEvent,
  type EventBus,
  type EventHandler,
  routingKeyOf,
  type SubscribeOptions,
  type Subscription,
} from "./event-bus.ts";
import { RabbitSubscription } from "./rabbitmq-subscription.ts";
import { checkTopicPattern } from "./topic-pattern.ts";

export type BusConnectionState = "connecting" | "up" | "down" | "closed";

export interface RabbitMqBusOptions {
  /** RABBITMQ_URL, e.g. amqp://guest:guest@localhost:5672 */
  url: string;
  clock: Clock;
  /** Topic exchange; "catalog.events" by default. */
  exchange?: string;
  /** Shown in the management UI and `rabbitmqctl list_connections`; default "catalog-jobs". */
  connectionName?: string;
  logger?: Logger;
  /** Longest wait for the first connection, and for each TCP connect. */
  connectTimeoutMs?: number;
  /** A publish without a broker confirm after this long fails (e.g. a broker blocked on an alarm). */
  publishTimeoutMs?: number;
  /** Reconnect backoff: first delay and cap. */
  reconnectDelayMs?: { initial?: number; max?: number };
  /** Unacked messages in flight per subscription. */
  prefetch?: number;
  onStateChange?: (state: BusConnectionState, error?: Error) => void;
}

export class RabbitMqBus implements EventBus {
  readonly kind = "rabbitmq" as const;
  readonly exchange: string;
  readonly #o: RabbitMqBusOptions;
  readonly #logger: Logger;
  readonly #where: string;
  readonly #subscriptions = new Set<RabbitSubscription>();
  #recovering: RecoveringChannelModel | null = null;
  #connection: ChannelModel | null = null;
  #publisher: ConfirmChannel | null = null;
  #opening: Promise<ConfirmChannel> | null = null;
  #state: BusConnectionState = "connecting";
  #lastError: Error | undefined;
  #waiters: Array<() => void> = [];

  private constructor(options: RabbitMqBusOptions) {
    this.#o = options;
    this.exchange = options.exchange ?? "catalog.events";
    this.#logger = options.logger ?? createLogger({ category: "EventBus" });
    this.#where = describe(options.url);
  }

  /** Starts connecting and returns at once; the broker need not be up. */
  static async open(options: RabbitMqBusOptions): Promise<RabbitMqBus> {
    const bus = new RabbitMqBus(options);
    await bus.#start();
    return bus;
  }

  get state(): BusConnectionState {
    return this.#state;
  }

  async publish(event: CatalogEvent): Promise<void> {
    this.#open();
    const key = routingKeyOf(checkEvent(event));
    const channel = await this.#publisherChannel(`publish ${key}`);
    const body = Buffer.from(JSON.stringify(event));
    const { clock } = this.#o;
    const timeoutMs = this.#o.publishTimeoutMs ?? 10_000;
    await new Promise<void>((resolve, reject) => {
      let timer: TimerHandle | undefined;
      const done = (err?: unknown) => {
        if (timer === undefined) return; // settled already
        clock.clearTimeout(timer);
        timer = undefined;
        if (err) reject(this.#unavailable(`get a confirm for ${key}`, err));
        else resolve();
      };
      timer = clock.setTimeout(() => done(new Error(`no confirm within ${timeoutMs} ms`)), timeoutMs);
      try {
        channel.publish(
          this.exchange,
          key,
          body,
          {
            persistent: true, // deliveryMode 2: survives a broker restart in a durable queue
            contentType: "application/json",
            messageId: randomUUID(),
            timestamp: Math.floor(clock.now() / 1000), // AMQP timestamps are seconds
            type: event.type,
            appId: "catalog-jobs",
          },
          (err) => done(err ?? undefined),
        );
      } catch (err) {
        done(err); // the channel closed under us
      }
    });
  }

  async subscribe(pattern: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    this.#open();
    if (typeof handler !== "function") throw new TypeError("subscribe needs a handler function");
    if (options.queue !== undefined && (typeof options.queue !== "string" || options.queue === "")) {
      throw new TypeError(`subscribe's queue must be a non-empty string; got ${JSON.stringify(options.queue)}`);
    }
    const sub = new RabbitSubscription({
      exchange: this.exchange,
      pattern: checkTopicPattern(pattern),
      handler,
      queue: options.queue,
      prefetch: this.#o.prefetch ?? 16,
      logger: this.#logger,
      clock: this.#o.clock,
      onClose: (s) => this.#subscriptions.delete(s),
    });
    this.#subscriptions.add(sub);
    if (this.#state === "connecting") await this.#firstAttempt();
    if (this.#connection) {
      try {
        await sub.attach(this.#connection);
      } catch (err) {
        this.#subscriptions.delete(sub);
        sub.closed = true;
        throw this.#isConnectionGone(err) ? this.#unavailable(`subscribe to ${pattern}`, err) : err;
      }
    }
    return sub;
  }

  async ping(): Promise<void> {
    this.#open();
    await this.#publisherChannel("ping");
  }

  async close(): Promise<void> {
    if (this.#state === "closed") return;
    this.#enter("closed");
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    const publisher = this.#publisher;
    this.#publisher = null;
    if (publisher) await publisher.close().catch(() => {}); // waits for outstanding confirms
    await this.#recovering?.close(); // also cancels a scheduled reconnect
  }

  async #start(): Promise<void> {
    const delays = this.#o.reconnectDelayMs ?? {};
    const recovering = await connect(this.#o.url, {
      clientProperties: { connection_name: this.#o.connectionName ?? "catalog-jobs" },
      timeout: this.#o.connectTimeoutMs ?? 5_000,
      recovery: {
        initialDelay: delays.initial ?? 200,
        maxDelay: delays.max ?? 10_000,
        maxRetries: Infinity,
        waitForConnect: false,
        setup: (model: ChannelModel) => this.#setup(model),
      },
    });
    this.#recovering = recovering;
    recovering.on("connect", () => this.#enter("up"));
    recovering.on("disconnect", (err: Error) => {
      this.#connection = null;
      this.#publisher = null;
      this.#opening = null;
      for (const sub of this.#subscriptions) sub.detach();
      this.#lastError = err;
      this.#enter("down", err);
    });
    recovering.on("connect-failed", (err: Error) => {
      this.#lastError = err;
      if (this.#state === "connecting") this.#enter("down", err);
    });
    recovering.on("error", (err: Error) => {
      this.#lastError = err; // followed by "disconnect"; kept as the cause for callers
    });
    recovering.on("blocked", (reason: string) => this.#logger.warn(`RabbitMQ blocked publishing: ${reason}`));
    recovering.on("unblocked", () => this.#logger.info("RabbitMQ unblocked publishing"));
  }

  /** Runs on every new connection before it is handed out (amqplib recovery's setup hook). */
  async #setup(model: ChannelModel): Promise<void> {
    model.on("error", (err: Error) => (this.#lastError = err)); // until recovery binds its own
    let lost = false;
    model.once("close", () => (lost = true));
    const publisher = await this.#openPublisher(model);
    this.#connection = model;
    this.#publisher = publisher;
    for (const sub of this.#subscriptions) {
      // One subscription that cannot be set up (say, a named queue declared elsewhere with other
      // arguments) must not keep the others, or publishing, from working.
      await sub.attach(model).catch((err) => this.#logger.error(`Could not subscribe to "${sub.pattern}"`, err));
    }
    // A connection that died during setup must fail it, so recovery schedules another attempt
    // instead of adopting a dead connection.
    if (lost) {
      this.#connection = null;
      this.#publisher = null;
      throw new Error("the connection closed while it was being set up");
    }
  }

  async #openPublisher(model: ChannelModel): Promise<ConfirmChannel> {
    const channel = await model.createConfirmChannel();
    channel.on("error", (err: Error) => this.#logger.warn("RabbitMQ publisher channel error", err));
    channel.on("close", () => {
      if (this.#publisher === channel) this.#publisher = null; // reopened on the next publish
    });
    await channel.assertExchange(this.exchange, "topic", { durable: true });
    return channel;
  }

  /** The live publisher channel; reopened if it alone closed (e.g. a channel error). */
  async #publisherChannel(what: string): Promise<ConfirmChannel> {
    if (this.#state === "connecting") await this.#firstAttempt();
    this.#open();
    if (this.#publisher) return this.#publisher;
    const connection = this.#connection;
    if (!connection) throw this.#unavailable(`${what}: not connected`, this.#lastError);
    this.#opening ??= this.#openPublisher(connection).then(
      (ch) => {
        this.#opening = null;
        if (this.#connection === connection) this.#publisher = ch;
        return ch;
      },
      (err) => {
        this.#opening = null;
        throw this.#unavailable(`${what}: could not open a channel`, err);
      },
    );
    return this.#opening;
  }

  /** Waits until the first connection attempt settles, at most connectTimeoutMs. */
  #firstAttempt(): Promise<void> {
    const { clock } = this.#o;
    const limit = this.#o.connectTimeoutMs ?? 5_000;
    return new Promise<void>((resolve) => {
      let timer: TimerHandle | undefined;
      const done = () => {
        if (timer !== undefined) clock.clearTimeout(timer);
        resolve();
      };
      this.#waiters.push(done);
      timer = clock.setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== done);
        if (this.#state === "connecting") {
          this.#lastError ??= new Error(`no connection within ${limit} ms`);
          this.#enter("down", this.#lastError);
        }
        resolve();
      }, limit);
    });
  }

  #enter(state: BusConnectionState, error?: Error): void {
    if (this.#state === "closed" || this.#state === state) return;
    this.#state = state;
    if (state === "up") this.#lastError = undefined;
    if (state === "up") this.#logger.info(`Connected to RabbitMQ at ${this.#where}`);
    if (state === "down") this.#logger.warn(`RabbitMQ at ${this.#where} is unreachable; reconnecting`, error);
    for (const wake of this.#waiters.splice(0)) wake();
    this.#o.onStateChange?.(state, error);
  }

  #isConnectionGone(err: unknown): boolean {
    return this.#state !== "up" || /closed|ECONNRESET|EPIPE/i.test(String((err as Error)?.message));
  }

  #unavailable(what: string, cause: unknown): DependencyUnavailableError {
    const detail = cause instanceof Error ? `: ${cause.message}` : "";
    return new DependencyUnavailableError(
      "bus",
      `RabbitMQ at ${this.#where} could not ${what}${detail}; the connection recovers by itself, retry later`,
      { cause },
    );
  }

  #open(): void {
    if (this.#state === "closed") throw new Error("the RabbitMQ event bus is closed; open a new one");
  }
}

/** host:port/vhost of an amqp:// URL, without credentials, for messages. */
function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === "amqps:" ? 5671 : 5672)}${u.pathname.length > 1 ? u.pathname : ""}`;
  } catch {
    return "the configured RABBITMQ_URL";
  }
}
