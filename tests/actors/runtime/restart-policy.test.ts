// When a crashed actor restarts: backoff doubling from initialDelayMs up to maxDelayMs, and a stop
// once more than maxRestarts crashes fall within windowMs (restart intensity).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { DEFAULT_RESTART_POLICY, decideRestart, type RestartPolicy } from "../../../src/actors/runtime/restart-policy.ts";

const policy: RestartPolicy = { initialDelayMs: 100, maxDelayMs: 5_000, maxRestarts: 10, windowMs: 60_000 };
const NOW = 1_000_000;

/** `n` earlier crashes, one a second, the last a second before NOW. */
const crashes = (n: number) => Array.from({ length: n }, (_, i) => NOW - (n - i) * 1000);

test("the first crash restarts after the initial delay", () => {
  assert.equal(decideRestart(policy, [], NOW), { action: "restart", delayMs: 100 });
});

test("the backoff doubles with each recent crash, up to the maximum", () => {
  assert.equal(
    [0, 1, 2, 3, 4, 5, 6, 9].map((n) => decideRestart(policy, crashes(n), NOW)),
    [100, 200, 400, 800, 1600, 3200, 5000, 5000].map((delayMs) => ({ action: "restart", delayMs })),
  );
});

test("crashes older than the window no longer count", () => {
  const old = [NOW - 120_000, NOW - 90_000, NOW - 60_000]; // 60 s ago is outside a 60 s window
  assert.equal(decideRestart(policy, old, NOW), { action: "restart", delayMs: 100 });
  assert.equal(decideRestart(policy, [...old, NOW - 59_999], NOW), { action: "restart", delayMs: 200 });
});

test("more crashes than maxRestarts within the window stop the actor", () => {
  assert.equal(decideRestart(policy, crashes(9), NOW).action, "restart", "the 10th crash still restarts");
  assert.equal(decideRestart(policy, crashes(10), NOW), { action: "stop", reason: "crashed 11 times within 60 s (limit 10)" });
  assert.equal(decideRestart(policy, crashes(30), NOW).action, "stop");
});

test("the same crashes spread beyond the window keep restarting", () => {
  const spread = Array.from({ length: 30 }, (_, i) => NOW - (30 - i) * 10_000); // one every 10 s
  const d = decideRestart(policy, spread, NOW);
  assert.equal(d, { action: "restart", delayMs: 3200 }, "only the 5 in the last minute count");
});

test("the default policy: 100 ms doubling to 30 s, at most 20 restarts a minute", () => {
  assert.equal(DEFAULT_RESTART_POLICY, { initialDelayMs: 100, maxDelayMs: 30_000, maxRestarts: 20, windowMs: 60_000 });
  assert.equal(decideRestart(DEFAULT_RESTART_POLICY, crashes(19), NOW), { action: "restart", delayMs: 30_000 });
  assert.is(decideRestart(DEFAULT_RESTART_POLICY, crashes(20), NOW).action, "stop");
});

test.run();
