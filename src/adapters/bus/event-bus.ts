// The event bus's one interface. Implementations: in-process (BroadcastChannel, so events cross
// worker threads of one process) and RabbitMQ (durable topic exchange, persistent messages,
// publisher confirms, reconnect).
//
// Delivery, on both: each subscription gets the events whose routing key matches its pattern,
// one at a time, in the order one publisher sent them; a handler's next event waits for its
// previous one to settle. A handler that throws is logged; RabbitMQ redelivers that event once
// (then drops it), the in-process bus does not. Events are JSON: handlers get their own copy.
// RabbitMQ delivers at least once (acked after the handler resolves): handlers must be idempotent.
// A broker that cannot be reached makes publish reject at once with
// DependencyUnavailableError("bus", …).

export type ProductEventType = "product.created" | "product.updated" | "product.deleted" | "product.stock_changed";
export type AlertLevel = "critical" | "low" | "out_of_stock";

export interface ProductEvent {
  type: ProductEventType;
  productId: number;
  sku: string;
  at: string; // ISO
  stockQuantity?: number;
  previousStock?: number;
}

export interface InventoryAlertEvent {
  type: "inventory.alert";
  level: AlertLevel;
  productId: number;
  sku: string;
  name: string;
  stockQuantity: number;
  at: string;
}

export type CatalogEvent = ProductEvent | InventoryAlertEvent;

/** Routing key of an event: "product.updated", "inventory.alert.critical", … */
export function routingKeyOf(e: CatalogEvent): string {
  return e.type === "inventory.alert" ? `inventory.alert.${e.level}` : e.type;
}

const PRODUCT_TYPES = new Set(["product.created", "product.updated", "product.deleted", "product.stock_changed"]);
const ALERT_LEVELS = new Set(["critical", "low", "out_of_stock"]);

/** Refuses what is not a CatalogEvent before it is published (a TypeError naming the field). */
export function checkEvent(event: unknown): CatalogEvent {
  const e = event as Record<string, unknown> | null;
  const fail = (field: string, expected: string) => {
    throw new TypeError(`event.${field} must be ${expected}; got ${JSON.stringify(e?.[field]) ?? "undefined"}`);
  };
  if (typeof e !== "object" || e === null) throw new TypeError(`an event must be an object; got ${String(event)}`);
  const isAlert = e.type === "inventory.alert";
  if (!isAlert && !PRODUCT_TYPES.has(e.type as string)) {
    fail("type", `one of ${[...PRODUCT_TYPES, "inventory.alert"].join(", ")}`);
  }
  if (!Number.isInteger(e.productId)) fail("productId", "an integer");
  if (typeof e.sku !== "string") fail("sku", "a string");
  if (typeof e.at !== "string") fail("at", "an ISO-8601 timestamp string");
  if (isAlert) {
    if (!ALERT_LEVELS.has(e.level as string)) fail("level", [...ALERT_LEVELS].join(", "));
    if (!Number.isInteger(e.stockQuantity)) fail("stockQuantity", "an integer");
    if (typeof e.name !== "string") fail("name", "a string");
  }
  return e as unknown as CatalogEvent;
}

export type EventHandler = (event: CatalogEvent) => Promise<void> | void;

export interface SubscribeOptions {
  /**
   * RabbitMQ: a durable queue of this name, kept (with its events) while nobody consumes it;
   * subscribers sharing a name split its events between them. Without a name a subscription gets
   * a private queue that lives as long as it does. The in-process bus keeps nothing and gives every
   * subscription every matching event whatever its name.
   */
  queue?: string;
}

export interface Subscription {
  /** Stops deliveries and waits for the event being handled, if any. Idempotent. */
  close(): Promise<void>;
}

export interface EventBus {
  readonly kind: "memory" | "rabbitmq";
  /** Resolves once the event is durable (broker confirm) or delivered in-process. */
  publish(event: CatalogEvent): Promise<void>;
  /**
   * `pattern` is a topic pattern: "product.*", "inventory.alert.#", "#". Resolves once the
   * subscription receives events; on RabbitMQ during an outage it resolves at once and is set up
   * when the connection returns.
   */
  subscribe(pattern: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
