// Picks the event bus from configuration: RabbitMQ when RABBITMQ_URL is set, the in-process bus
// (shared by every worker thread of this process) otherwise.
import type { Clock } from "../../actors/runtime/clock.ts";
import type { Config } from "../../config.ts";
import type { Logger } from "../../logger.ts";
import type { EventBus } from "./event-bus.ts";
import type { BusConnectionState } from "./rabbitmq-bus.ts";

// Implementations are imported only when chosen: an embedded-default process never loads amqplib.

export interface EventBusDeps {
  clock: Clock;
  logger?: Logger;
  /** RabbitMQ connection state changes (for /health and the log). */
  onStateChange?: (state: BusConnectionState, error?: Error) => void;
}

export async function createEventBus(config: Pick<Config, "rabbitmqUrl">, deps: EventBusDeps): Promise<EventBus> {
  if (config.rabbitmqUrl === null) {
    const { MemoryBus } = await import("./memory-bus.ts");
    return new MemoryBus({ logger: deps.logger });
  }
  const { RabbitMqBus } = await import("./rabbitmq-bus.ts");
  return RabbitMqBus.open({
    url: config.rabbitmqUrl,
    clock: deps.clock,
    logger: deps.logger,
    onStateChange: deps.onStateChange,
  });
}
