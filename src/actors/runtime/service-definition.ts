// What a background service is: a named pass that runs once at start-up and then every interval,
// in its own worker thread, with the backing services of that thread.
import type { Logger } from "../../logger.ts";

export interface ServiceContext<S = unknown, C = unknown> {
  services: S;
  logger: Logger;
  /** Aborted when the actor stops: long passes should check it between batches. */
  signal: AbortSignal;
  config: C;
  now(): number;
  /** Progress of the current pass (percent 0–100), shown by /health and the dashboard. */
  progress(percent: number, message?: string): void;
}

export interface ServiceDefinition<S = unknown, C = unknown> {
  /** Stable id, e.g. "elasticsearch-sync". */
  name: string;
  /** As operators know it, e.g. "Elasticsearch Sync Service" (the start-up line says "<title> is starting"). */
  title: string;
  intervalMs(config: C): number;
  /** Once, before the first pass (e.g. subscribe to product events). */
  start?(ctx: ServiceContext<S, C>): Promise<void> | void;
  /** One pass. Throwing records the error and retries sooner than the interval. */
  run(ctx: ServiceContext<S, C>): Promise<void> | void;
  stop?(ctx: ServiceContext<S, C>): Promise<void> | void;
  /** The line logged after each pass, e.g. "Next Elasticsearch sync scheduled in 30 minutes". */
  nextRunMessage?(intervalMs: number): string;
}

export interface ServiceModule {
  services: ServiceDefinition<any, any>[];
}

export interface ServiceStatus {
  name: string;
  title: string;
  intervalMs: number;
  running: boolean;
  runs: number;
  failures: number;
  lastRunAt: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  nextRunAt: number | null;
  progress: number | null;
  progressMessage: string | null;
}

export type ToService =
  | { t: "start"; name: string }
  | { t: "run-now"; name: string }
  | { t: "stop"; name: string }
  | { t: "rpc-result"; id: number; ok: boolean; value?: unknown; error?: { type: string; message: string } };

export type FromService =
  | { t: "ready" }
  | { t: "status"; status: ServiceStatus }
  | { t: "stopped"; name: string }
  | { t: "rpc"; id: number; method: string; args: unknown[] };

export interface ServiceWorkerData {
  kind: "service";
  serviceModules: string[];
  servicesModule: string | null;
  config: unknown;
  logLevel: "debug" | "info" | "warn" | "error";
}

/** After a failed pass, retry sooner than the interval: 30 s, 1 min, 2 min, … up to the interval. */
export function retryAfterFailureMs(failuresInARow: number, intervalMs: number): number {
  return Math.min(intervalMs, 30_000 * 2 ** Math.max(0, failuresInARow - 1));
}
