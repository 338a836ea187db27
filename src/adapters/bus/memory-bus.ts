// The embedded event bus. Every MemoryBus with the same channel name — in this thread or any
// worker thread of the process — is joined through one BroadcastChannel (a web standard, in Node
// and Deno), so an event published by a job in a worker reaches the services in the main thread.
// A BroadcastChannel never delivers to the object that posted, so the publishing bus hands the
// event to its own subscriptions directly.
//
// The channel is unref'd while there are no subscriptions: a bus that only publishes never keeps
// a process (or a worker) alive; one with subscriptions does, like an open socket would.
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
import { checkTopicPattern, type TopicMatcher, topicMatcher } from "./topic-pattern.ts";

export interface MemoryBusOptions {
  /** Buses with the same name share events across threads; default "catalog.events". */
  channel?: string;
  logger?: Logger;
}

interface Envelope {
  routingKey: string;
  json: string;
}

class MemorySubscription implements Subscription {
  closed = false;
  #tail: Promise<void> = Promise.resolve();

  constructor(
    readonly pattern: string,
    readonly matches: TopicMatcher,
    readonly handler: EventHandler,
    readonly onError: (err: unknown, event: CatalogEvent) => void,
    readonly onClose: (sub: MemorySubscription) => void,
  ) {}

  /** Queues one event; handlers run one at a time, in arrival order. */
  deliver(json: string): void {
    this.#tail = this.#tail.then(async () => {
      if (this.closed) return;
      const event = JSON.parse(json) as CatalogEvent; // each handler its own copy
      try {
        await this.handler(event);
      } catch (err) {
        this.onError(err, event);
      }
    });
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.onClose(this);
    }
    await this.#tail;
  }
}

export class MemoryBus implements EventBus {
  readonly kind = "memory" as const;
  readonly #channel: BroadcastChannel;
  readonly #subscriptions = new Set<MemorySubscription>();
  readonly #logger: Logger;
  #closed = false;

  constructor(options: MemoryBusOptions = {}) {
    this.#logger = options.logger ?? createLogger({ category: "EventBus" });
    this.#channel = new BroadcastChannel(options.channel ?? "catalog.events");
    this.#channel.onmessage = (e: MessageEvent) => this.#route(e.data as Envelope);
    this.#setRef(false);
  }

  async publish(event: CatalogEvent): Promise<void> {
    this.#open();
    const envelope: Envelope = { routingKey: routingKeyOf(checkEvent(event)), json: JSON.stringify(event) };
    this.#channel.postMessage(envelope);
    this.#route(envelope);
  }

  async subscribe(pattern: string, handler: EventHandler, _options?: SubscribeOptions): Promise<Subscription> {
    this.#open();
    if (typeof handler !== "function") throw new TypeError("subscribe needs a handler function");
    const sub = new MemorySubscription(
      checkTopicPattern(pattern),
      topicMatcher(pattern),
      handler,
      (err, event) => this.#logger.error(`Event handler for "${pattern}" failed on ${routingKeyOf(event)}`, err),
      (s) => {
        this.#subscriptions.delete(s);
        if (this.#subscriptions.size === 0) this.#setRef(false);
      },
    );
    this.#subscriptions.add(sub);
    this.#setRef(true);
    return sub;
  }

  async ping(): Promise<void> {
    this.#open();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    this.#channel.close();
  }

  #route(envelope: Envelope): void {
    for (const sub of this.#subscriptions) {
      if (sub.matches(envelope.routingKey)) sub.deliver(envelope.json);
    }
  }

  #setRef(on: boolean): void {
    // ref/unref are Node's (a Node BroadcastChannel holds the process open until closed).
    const ch = this.#channel as BroadcastChannel & { ref?: () => void; unref?: () => void };
    if (on) ch.ref?.();
    else ch.unref?.();
  }

  #open(): void {
    if (this.#closed) throw new Error("the in-process event bus is closed; create a new one");
  }
}
