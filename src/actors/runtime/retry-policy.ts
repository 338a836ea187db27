// Automatic retries, Hangfire's way by default: 10 retries, delay in seconds
//   (attempt-1)^4 + 15 + random(0..29)·attempt
// (≈15 s, 16–74 s, … up to ~1.9 h; ~4.5 h in all). A job type may set its own attempts, fixed
// delays or a function; an UnrecoverableError ends retries at once.
import { UnrecoverableError } from "../../errors.ts";

export interface RetryPolicy {
  /** Retries after the first failure (Hangfire's Attempts). 0 disables retries. */
  maxRetries: number;
  /** Entry i is the delay for retry i+1; the last one repeats. Overrides the formula. */
  delaysSeconds?: number[];
  /** Full override: delay in ms for retry `n` (1-based). */
  delayMs?: (n: number, random: () => number) => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 10 };

export function hangfireDelaySeconds(n: number, random: () => number): number {
  return Math.round((n - 1) ** 4 + 15 + Math.floor(random() * 30) * n);
}

export function retryDelayMs(policy: RetryPolicy, n: number, random: () => number): number {
  if (policy.delayMs) return Math.max(0, policy.delayMs(n, random));
  if (policy.delaysSeconds?.length) {
    const d = policy.delaysSeconds;
    return Math.max(0, d[Math.min(n - 1, d.length - 1)] * 1000);
  }
  return hangfireDelaySeconds(n, random) * 1000;
}

export type RetryDecision =
  | { retry: true; n: number; delayMs: number; reason: string }
  | { retry: false; reason: string };

/**
 * What happens after execution number `attempt` failed with `error` (its type name, since errors
 * cross the thread boundary as data).
 */
export function decideRetry(policy: RetryPolicy, attempt: number, errorType: string, message: string, random: () => number): RetryDecision {
  if (errorType === UnrecoverableError.name) return { retry: false, reason: `Unrecoverable error; not retried: ${cut(message)}` };
  const n = attempt; // the n-th failure asks for retry n
  if (policy.maxRetries === 0) return { retry: false, reason: "Retries were disabled for this job." };
  if (n > policy.maxRetries) return { retry: false, reason: `Exceeded the maximum number of retry attempts (${policy.maxRetries}).` };
  return { retry: true, n, delayMs: retryDelayMs(policy, n, random), reason: `Retry attempt ${n} of ${policy.maxRetries}: ${cut(message)}` };
}

/** Hangfire cuts the message in the reason to 49 characters plus an ellipsis. */
function cut(message: string): string {
  return message.length > 50 ? message.slice(0, 49) + "…" : message;
}

export function resolveRetryPolicy(partial: Partial<RetryPolicy> | undefined): RetryPolicy {
  const p = { ...DEFAULT_RETRY_POLICY, ...partial };
  if (!Number.isInteger(p.maxRetries) || p.maxRetries < 0) {
    throw new RangeError(`retry.maxRetries must be a non-negative integer; got ${p.maxRetries}`);
  }
  return p;
}
