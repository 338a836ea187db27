// What a job type is: a stable name (never a reflected class or method: renames don't break stored
// jobs), its policies, and the function a worker thread runs.
import type { RetryPolicy } from "./retry-policy.ts";

export interface JobContext<A = unknown, S = unknown> {
  jobId: string;
  type: string;
  args: A;
  /** This execution's number: 1 for the first run, 2 for the first retry, … */
  attempt: number;
  /**
   * Aborted when the job is deleted while running or the server shuts down. A getter (made on
   * first read): a spread copy of the context does not carry it.
   */
  signal: AbortSignal;
  /** Stored for the dashboard; percent 0–100. */
  progress(percent: number, message?: string): void;
  /** A line in the job's log, shown live on its page. */
  log(message: string, level?: "debug" | "info" | "warn" | "error"): void;
  /** Backing services (catalog, cache, search, bus), created once per worker thread. */
  services: S;
  /** The instant the job stands for: a recurring tick's cron instant, else its creation. */
  scheduledFor: number | null;
}

export interface JobDefinition<A = unknown, S = unknown> {
  type: string;
  /** Name shown in the dashboard, e.g. "Daily Analytics Generation". */
  title?: string;
  /** Past this the worker thread is terminated and the job fails with JobTimeoutError. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  queue?: string;
  /** Checks arguments before the job is created (API input); throws ValidationError. */
  validate?(args: unknown): A;
  run(ctx: JobContext<A, S>): Promise<unknown> | unknown;
}

export function defineJob<A = unknown, S = unknown>(def: JobDefinition<A, S>): JobDefinition<A, S> {
  if (!/^[a-z0-9][a-z0-9._:-]*$/.test(def.type)) {
    throw new TypeError(`job type must be lowercase letters, digits, '.', '_', ':' or '-'; got "${def.type}"`);
  }
  if (def.timeoutMs !== undefined && !(def.timeoutMs > 0)) {
    throw new RangeError(`timeoutMs of job type "${def.type}" must be positive; got ${def.timeoutMs}`);
  }
  return def;
}

/** A module that contributes job types exports `jobs`. */
export interface JobModule {
  jobs: JobDefinition<any, any>[];
}
