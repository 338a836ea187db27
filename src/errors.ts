// Every error class the product throws, in one module. Each carries meaning a caller acts on;
// `cause` is always kept.

/** Bad configuration at start-up: the message names the variable and what was expected. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Bad input from a client: `field` names what was wrong, the message says what was expected. */
export class ValidationError extends Error {
  override name = "ValidationError";
  constructor(
    readonly field: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A job, recurring job or product that does not exist. */
export class NotFoundError extends Error {
  override name = "NotFoundError";
  constructor(
    readonly resource: string,
    readonly id: string,
  ) {
    super(`${resource} "${id}" was not found`);
  }
}

/** A state change refused because the job is not in a state that allows it. */
export class ConflictError extends Error {
  override name = "ConflictError";
}

/** Thrown by job code: the job fails at once and is not retried, whatever attempts remain. */
export class UnrecoverableError extends Error {
  override name = "UnrecoverableError";
}

/** A dashboard form post whose body cannot be read as a form: the client's mistake (400), not ours. */
export class UnreadableFormError extends Error {
  override name = "UnreadableFormError";
}

/** A job that ran past its timeout; its worker thread was terminated. */
export class JobTimeoutError extends Error {
  override name = "JobTimeoutError";
}

/** The worker thread running a job died (uncaught error, process.exit, out of memory). */
export class WorkerDiedError extends Error {
  override name = "WorkerDiedError";
}

/** The process that ran the job stopped renewing its lease (killed, frozen, partitioned). */
export class LeaseExpiredError extends Error {
  override name = "LeaseExpiredError";
}

/** A backing service (database, cache, search, bus) is not reachable; jobs needing it retry. */
export class DependencyUnavailableError extends Error {
  override name = "DependencyUnavailableError";
  constructor(
    readonly dependency: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Error data as it crosses a thread boundary and lands in the ledger. */
export interface ErrorInfo {
  type: string;
  message: string;
  stack: string;
  /**
   * The error's class and the classes it extends, most specific first ("InvalidSku",
   * "UnrecoverableError", "Error"): a retry policy matches classes by name across the thread
   * boundary, subclasses included. Not stored.
   */
  kinds?: string[];
}

/** The names an error answers to: its own name, then each class up its prototype chain. */
export function errorKinds(err: Error): string[] {
  const kinds = [err.name];
  for (let p = Object.getPrototypeOf(err); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const name = Object.hasOwn(p, "constructor") ? (p.constructor as { name?: unknown }).name : undefined;
    if (typeof name === "string" && name && !kinds.includes(name)) kinds.push(name);
  }
  return kinds;
}

const MAX_STACK_LINES = 100; // Hangfire keeps 100 lines; more only bloats the ledger and the dashboard.

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const stack = (err.stack ?? `${err.name}: ${err.message}`).split("\n").slice(0, MAX_STACK_LINES).join("\n");
    const cause = err.cause instanceof Error ? `\nCaused by: ${err.cause.name}: ${err.cause.message}` : "";
    return { type: err.name || err.constructor?.name || "Error", message: err.message, stack: stack + cause, kinds: errorKinds(err) };
  }
  const text = typeof err === "string" ? err : safeJson(err);
  return { type: "NonError", message: text, stack: text };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
