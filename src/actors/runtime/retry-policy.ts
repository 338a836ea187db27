// Automatic retries, Hangfire's way by default: 10 retries, delay in seconds
//   (attempt-1)^4 + 15 + random(0..29)·attempt
// (≈15 s, 16–74 s, … up to ~1.9 h; ~4.5 h in all). A job type may set its own attempts, fixed
// delays, an exponential backoff with jitter, or a function; which error classes are retried
// (Hangfire's OnlyOn / ExceptOn); and whether a job whose retries ran out stays Failed or is
// deleted (Hangfire's OnAttemptsExceeded). An UnrecoverableError, or a subclass, ends retries at once.
import { UnrecoverableError } from "../../errors.ts";

export interface ExponentialBackoff {
  /** The first retry's delay. */
  initialSeconds: number;
  /** Each retry waits this many times longer than the one before (default 2). */
  factor?: number;
  /** No delay grows past this (default: no cap). */
  maxSeconds?: number;
  /**
   * Up to this fraction of each delay is taken off at random (0–1, default 0), so that jobs that
   * failed together (a dependency down) do not all come back at the same instant.
   */
  jitter?: number;
}

export interface RetryPolicy {
  /** Retries after the first failure (Hangfire's Attempts). 0 disables retries. */
  maxRetries: number;
  /** Entry i is the delay for retry i+1; the last one repeats. Overrides the formula. */
  delaysSeconds?: number[];
  /** Delays that grow by a factor, capped, with jitter. Overrides the formula. */
  exponential?: ExponentialBackoff;
  /** Full override: delay in ms for retry `n` (1-based). */
  delayMs?: (n: number, random: () => number) => number;
  /** Only errors of these classes (or their subclasses), by class name, are retried. */
  onlyOn?: string[];
  /** Errors of these classes (or their subclasses), by class name, are never retried. */
  exceptOn?: string[];
  /**
   * When the retries run out (or are disabled): the job stays Failed, kept until someone deletes
   * it (default, as Hangfire), or goes to Deleted and expires with the retention.
   */
  whenExhausted?: "fail" | "delete";
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 10 };

export function hangfireDelaySeconds(n: number, random: () => number): number {
  return Math.round((n - 1) ** 4 + 15 + Math.floor(random() * 30) * n);
}

export function retryDelayMs(policy: RetryPolicy, n: number, random: () => number): number {
  if (policy.delayMs) return Math.max(0, policy.delayMs(n, random));
  if (policy.exponential) {
    const { initialSeconds, factor = 2, maxSeconds = Number.POSITIVE_INFINITY, jitter = 0 } = policy.exponential;
    const seconds = Math.min(maxSeconds, initialSeconds * factor ** (n - 1));
    return Math.round(seconds * (1 - jitter * random()) * 1000);
  }
  if (policy.delaysSeconds?.length) {
    const d = policy.delaysSeconds;
    return Math.max(0, d[Math.min(n - 1, d.length - 1)] * 1000);
  }
  return hangfireDelaySeconds(n, random) * 1000;
}

export type RetryDecision =
  | { retry: true; n: number; delayMs: number; reason: string }
  | { retry: false; reason: string; then: "Failed" | "Deleted" };

/** What the decision needs of an error (ErrorInfo, as it crossed the thread boundary). */
export interface FailedWith {
  type: string;
  message: string;
  kinds?: string[];
}

/** What happens after execution number `attempt` failed with `error`. */
export function decideRetry(policy: RetryPolicy, attempt: number, error: FailedWith, random: () => number): RetryDecision {
  const kinds = error.kinds?.length ? error.kinds : [error.type];
  const is = (names: string[] | undefined) => !!names?.some((name) => kinds.includes(name));
  // Retries a class of error should not have: the job fails, whatever `whenExhausted` says.
  if (is([UnrecoverableError.name])) return { retry: false, then: "Failed", reason: `Unrecoverable error; not retried: ${cut(error.message)}` };
  if (is(policy.exceptOn)) return { retry: false, then: "Failed", reason: `Not retried: the retry policy excludes ${error.type}: ${cut(error.message)}` };
  if (policy.onlyOn && !is(policy.onlyOn)) {
    return { retry: false, then: "Failed", reason: `Not retried: the retry policy retries only ${policy.onlyOn.join(", ")}; got ${error.type}: ${cut(error.message)}` };
  }
  const then = policy.whenExhausted === "delete" ? "Deleted" : "Failed";
  const n = attempt; // the n-th failure asks for retry n
  if (policy.maxRetries === 0) return { retry: false, then, reason: "Retries were disabled for this job." };
  if (n > policy.maxRetries) return { retry: false, then, reason: `Exceeded the maximum number of retry attempts (${policy.maxRetries}).` };
  return { retry: true, n, delayMs: retryDelayMs(policy, n, random), reason: `Retry attempt ${n} of ${policy.maxRetries}: ${cut(error.message)}` };
}

/** Hangfire cuts the message in the reason to 49 characters plus an ellipsis. */
function cut(message: string): string {
  return message.length > 50 ? message.slice(0, 49) + "…" : message;
}

/** A job type's policy with the defaults filled in; a bad one is refused when the runtime starts. */
export function resolveRetryPolicy(partial: Partial<RetryPolicy> | undefined): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...partial };
  const refuse = (field: string, expected: string, got: unknown) => {
    throw new RangeError(`retry.${field} must be ${expected}; got ${typeof got === "string" ? JSON.stringify(got) : String(got)}`);
  };
  if (!Number.isInteger(p.maxRetries) || p.maxRetries < 0) refuse("maxRetries", "a non-negative integer", p.maxRetries);
  const seconds = (x: unknown) => typeof x === "number" && Number.isFinite(x) && x >= 0;
  if (p.delaysSeconds !== undefined) {
    if (!Array.isArray(p.delaysSeconds)) refuse("delaysSeconds", "an array of seconds", p.delaysSeconds);
    const bad = p.delaysSeconds.find((d) => !seconds(d));
    if (bad !== undefined) refuse("delaysSeconds", "non-negative finite seconds", bad);
  }
  if (p.exponential !== undefined) {
    const e = p.exponential;
    if (p.delaysSeconds?.length) refuse("exponential", "alone: delaysSeconds is set as well", "both");
    if (!(seconds(e.initialSeconds) && e.initialSeconds > 0)) refuse("exponential.initialSeconds", "a positive number of seconds", e.initialSeconds);
    if (e.factor !== undefined && !(Number.isFinite(e.factor) && e.factor >= 1)) refuse("exponential.factor", "a number ≥ 1", e.factor);
    if (e.maxSeconds !== undefined && !(seconds(e.maxSeconds) && e.maxSeconds >= e.initialSeconds)) {
      refuse("exponential.maxSeconds", `seconds ≥ initialSeconds (${e.initialSeconds})`, e.maxSeconds);
    }
    if (e.jitter !== undefined && !(Number.isFinite(e.jitter) && e.jitter >= 0 && e.jitter <= 1)) refuse("exponential.jitter", "a fraction from 0 to 1", e.jitter);
  }
  for (const field of ["onlyOn", "exceptOn"] as const) {
    const names = p[field];
    if (names === undefined) continue;
    if (!Array.isArray(names) || !names.length) refuse(field, "a non-empty array of error class names", names);
    const bad = names.find((n) => typeof n !== "string" || !n);
    if (bad !== undefined) refuse(field, "error class names", bad);
  }
  if (p.whenExhausted !== undefined && p.whenExhausted !== "fail" && p.whenExhausted !== "delete") refuse("whenExhausted", '"fail" or "delete"', p.whenExhausted);
  return p;
}
