// The event bus's one interface. Implementations: in-process (BroadcastChannel, so events cross
// worker threads of one process) and RabbitMQ (durable topic exchange, persistent messages,
// publisher confirms, reconnect).

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

export interface Subscription {
  close(): Promise<void>;
}

export interface EventBus {
  readonly kind: "memory" | "rabbitmq";
  /** Resolves once the event is durable (broker confirm) or delivered in-process. */
  publish(event: CatalogEvent): Promise<void>;
  /** `pattern` is a topic pattern: "product.*", "inventory.alert.#", "#". */
  subscribe(pattern: string, handler: (event: CatalogEvent) => Promise<void> | void): Promise<Subscription>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
