// Whether and when a crashed actor restarts: a pure function of its restart history, so it is
// tested without threads. Backoff doubles from `initialDelayMs` to `maxDelayMs`; more than
// `maxRestarts` crashes within `windowMs` stops the actor (restart intensity, as in Erlang/OTP).

export interface RestartPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  maxRestarts: number;
  windowMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 100,
  maxDelayMs: 30_000,
  maxRestarts: 20,
  windowMs: 60_000,
};

export type RestartDecision = { action: "restart"; delayMs: number } | { action: "stop"; reason: string };

/** `crashes` are the instants of earlier crashes (oldest first), `now` the current one's. */
export function decideRestart(policy: RestartPolicy, crashes: readonly number[], now: number): RestartDecision {
  const recent = crashes.filter((t) => now - t < policy.windowMs).length;
  if (recent >= policy.maxRestarts) {
    return {
      action: "stop",
      reason: `crashed ${recent + 1} times within ${Math.round(policy.windowMs / 1000)} s (limit ${policy.maxRestarts})`,
    };
  }
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** recent);
  return { action: "restart", delayMs };
}
