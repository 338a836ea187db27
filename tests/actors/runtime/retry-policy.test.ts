// Automatic retries, Hangfire's way: the delay formula's bounds per attempt (random() of 0 and of
// 0.9999 are random.Next(30) = 0 and 29), fixed delays, the error that ends retries, reason texts.
import { test } from "uvu";
import * as assert from "uvu/assert";
import {
  DEFAULT_RETRY_POLICY,
  decideRetry,
  hangfireDelaySeconds,
  resolveRetryPolicy,
  retryDelayMs,
} from "../../../src/actors/runtime/retry-policy.ts";
import { toErrorInfo, UnrecoverableError } from "../../../src/errors.ts";

const lowest = () => 0;
const highest = () => 0.9999;

// From Hangfire's AutomaticRetryAttribute: (attempt-1)^4 + 15 + random.Next(30)·attempt.
const BOUNDS: [attempt: number, min: number, max: number][] = [
  [1, 15, 44],
  [2, 16, 74],
  [3, 31, 118],
  [4, 96, 212],
  [5, 271, 416],
  [6, 640, 814],
  [7, 1311, 1514],
  [8, 2416, 2648],
  [9, 4111, 4372],
  [10, 6576, 6866],
];

test("the default delay of each retry lies within Hangfire's bounds for that attempt", () => {
  for (const [n, min, max] of BOUNDS) {
    assert.is(hangfireDelaySeconds(n, lowest), min, `retry ${n} at random 0`);
    assert.is(hangfireDelaySeconds(n, highest), max, `retry ${n} at random 0.9999`);
    assert.is(retryDelayMs(DEFAULT_RETRY_POLICY, n, lowest), min * 1000);
    assert.is(retryDelayMs(DEFAULT_RETRY_POLICY, n, highest), max * 1000);
  }
});

test("the random part is a whole number of seconds times the attempt", () => {
  // random() = 0.5 → random.Next(30) = 15, so retry 3 waits 16 + 15 + 15·3.
  assert.is(hangfireDelaySeconds(3, () => 0.5), 76);
  for (let i = 0; i < 200; i++) {
    const r = Math.random();
    const d = hangfireDelaySeconds(4, () => r);
    assert.ok(Number.isInteger(d));
    assert.ok(d >= 96 && d <= 212, `${d} for random ${r}`);
    assert.is((d - 96) % 4, 0);
  }
});

test("ten retries of the default policy wait 4.3 to 4.7 hours in all", () => {
  const total = (random: () => number) => BOUNDS.reduce((s, [n]) => s + retryDelayMs(DEFAULT_RETRY_POLICY, n, random), 0) / 1000;
  assert.is(total(lowest), 15_483); // 4.30 h
  assert.is(total(highest), 17_078); // 4.74 h
});

test("delaysSeconds overrides the formula, and its last entry repeats", () => {
  const policy = resolveRetryPolicy({ delaysSeconds: [5, 30, 120] });
  assert.equal(
    [1, 2, 3, 4, 10].map((n) => retryDelayMs(policy, n, highest)),
    [5_000, 30_000, 120_000, 120_000, 120_000],
  );
  const single = resolveRetryPolicy({ delaysSeconds: [0] });
  const d = decideRetry(single, 1, { type: "Error", message: "boom" }, lowest);
  assert.equal(d, { retry: true, n: 1, delayMs: 0, reason: "Retry attempt 1 of 10: boom" }, "a delay of zero is allowed");
});

test("an empty delaysSeconds falls back to the formula", () => {
  assert.is(retryDelayMs({ maxRetries: 3, delaysSeconds: [] }, 2, lowest), 16_000);
});

test("a delay function overrides everything and is never negative", () => {
  const seen: number[] = [];
  const policy = resolveRetryPolicy({ delaysSeconds: [1], delayMs: (n) => (seen.push(n), n === 1 ? -5 : n * 250) });
  assert.is(retryDelayMs(policy, 1, lowest), 0);
  assert.is(retryDelayMs(policy, 4, lowest), 1000);
  assert.equal(seen, [1, 4]);
});

test("each failure within the limit asks for the retry of its number", () => {
  const d = decideRetry(DEFAULT_RETRY_POLICY, 1, { type: "TypeError", message: "price is undefined" }, lowest);
  assert.equal(d, { retry: true, n: 1, delayMs: 15_000, reason: "Retry attempt 1 of 10: price is undefined" });
  const last = decideRetry(DEFAULT_RETRY_POLICY, 10, { type: "TypeError", message: "x" }, highest);
  assert.equal(last, { retry: true, n: 10, delayMs: 6_866_000, reason: "Retry attempt 10 of 10: x" });
});

test("the failure after the last retry ends retries", () => {
  assert.equal(decideRetry(DEFAULT_RETRY_POLICY, 11, { type: "TypeError", message: "x" }, lowest), {
    retry: false,
    then: "Failed",
    reason: "Exceeded the maximum number of retry attempts (10).",
  });
  const three = resolveRetryPolicy({ maxRetries: 3 });
  assert.is(decideRetry(three, 3, { type: "Error", message: "x" }, lowest).retry, true);
  assert.is(decideRetry(three, 4, { type: "Error", message: "x" }, lowest).retry, false);
});

test("an UnrecoverableError ends retries at once, whatever attempts remain", () => {
  const d = decideRetry(DEFAULT_RETRY_POLICY, 1, { type: new UnrecoverableError("x").name, message: "the product was deleted" }, lowest);
  assert.is(d.retry, false);
  assert.match(d.reason, /the product was deleted/);
  assert.is(decideRetry(DEFAULT_RETRY_POLICY, 1, { type: "Error", message: "the product was deleted" }, lowest).retry, true, "other types retry");
});

test("maxRetries 0 disables retries with Hangfire's reason", () => {
  assert.equal(decideRetry(resolveRetryPolicy({ maxRetries: 0 }), 1, { type: "Error", message: "boom" }, lowest), {
    retry: false,
    then: "Failed",
    reason: "Retries were disabled for this job.",
  });
});

test("the reason cuts a long message to 49 characters and an ellipsis", () => {
  const fifty = "x".repeat(50);
  assert.is(decideRetry(DEFAULT_RETRY_POLICY, 1, { type: "Error", message: fifty }, lowest).reason, `Retry attempt 1 of 10: ${fifty}`, "50 characters stay whole");
  const long = "Connection refused while syncing products to the search index at 10.0.0.7:9200";
  const reason = decideRetry(DEFAULT_RETRY_POLICY, 2, { type: "Error", message: long }, lowest).reason;
  assert.is(reason, `Retry attempt 2 of 10: ${long.slice(0, 49)}…`);
  assert.is(reason.length, "Retry attempt 2 of 10: ".length + 50);
  assert.is(decideRetry(DEFAULT_RETRY_POLICY, 1, { type: "Error", message: "x".repeat(51) }, lowest).reason, `Retry attempt 1 of 10: ${"x".repeat(49)}…`);
});

test("resolveRetryPolicy fills the defaults and refuses a bad maxRetries", () => {
  assert.equal(resolveRetryPolicy(undefined), { maxRetries: 10 });
  assert.equal(resolveRetryPolicy({ maxRetries: 2 }), { maxRetries: 2 });
  for (const bad of [-1, 1.5, Number.NaN]) {
    try {
      resolveRetryPolicy({ maxRetries: bad });
      assert.unreachable(`maxRetries ${bad} was accepted`);
    } catch (err) {
      assert.instance(err, RangeError);
      assert.match((err as Error).message, /maxRetries/);
    }
  }
});

test("an exponential backoff grows by its factor from the first delay and stops at its cap", () => {
  const policy = resolveRetryPolicy({ exponential: { initialSeconds: 2, factor: 3, maxSeconds: 60 } });
  assert.equal(
    [1, 2, 3, 4, 5, 10].map((n) => retryDelayMs(policy, n, highest)),
    [2_000, 6_000, 18_000, 54_000, 60_000, 60_000],
  );
  assert.is(retryDelayMs(resolveRetryPolicy({ exponential: { initialSeconds: 1 } }), 5, lowest), 16_000, "the factor defaults to 2, with no cap");
});

test("jitter takes up to its fraction off each exponential delay, at random", () => {
  const policy = resolveRetryPolicy({ exponential: { initialSeconds: 10, jitter: 0.5 } });
  assert.is(retryDelayMs(policy, 2, lowest), 20_000, "random 0 takes nothing off");
  assert.is(retryDelayMs(policy, 2, () => 1), 10_000, "random 1 takes the whole fraction off");
  assert.is(retryDelayMs(policy, 2, () => 0.25), 17_500);
});

test("an error whose class chain names UnrecoverableError ends retries, whatever its own name", () => {
  class ProductGone extends UnrecoverableError {
    override name = "ProductGone";
  }
  const info = toErrorInfo(new ProductGone("product 42 was deleted"));
  assert.equal(info.kinds, ["ProductGone", "UnrecoverableError", "Error"]);
  assert.equal(decideRetry(DEFAULT_RETRY_POLICY, 1, info, lowest), { retry: false, then: "Failed", reason: "Unrecoverable error; not retried: product 42 was deleted" });
});

test("exceptOn and onlyOn match an error's class or any class it extends", () => {
  class Busy extends Error {
    override name = "Busy";
  }
  class Throttled extends Busy {
    override name = "Throttled";
  }
  const throttled = toErrorInfo(new Throttled("slow down"));
  const typeError = toErrorInfo(new TypeError("price is undefined"));
  const except = resolveRetryPolicy({ exceptOn: ["Busy"] });
  assert.equal(decideRetry(except, 1, throttled, lowest), { retry: false, then: "Failed", reason: "Not retried: the retry policy excludes Throttled: slow down" });
  assert.is(decideRetry(except, 1, typeError, lowest).retry, true);
  const only = resolveRetryPolicy({ onlyOn: ["Busy"] });
  assert.is(decideRetry(only, 1, throttled, lowest).retry, true);
  assert.equal(decideRetry(only, 1, typeError, lowest), {
    retry: false,
    then: "Failed",
    reason: "Not retried: the retry policy retries only Busy; got TypeError: price is undefined",
  });
  assert.is(decideRetry(only, 1, { type: "Busy", message: "no class chain crossed with it" }, lowest).retry, true, "without kinds the type alone is matched");
});

test("whenExhausted delete sends a job whose retries ran out or were disabled to Deleted, but not one refused by class", () => {
  const policy = resolveRetryPolicy({ maxRetries: 2, whenExhausted: "delete", exceptOn: ["TypeError"] });
  const err = { type: "Error", message: "boom" };
  assert.equal(decideRetry(policy, 3, err, lowest), { retry: false, then: "Deleted", reason: "Exceeded the maximum number of retry attempts (2)." });
  assert.equal(decideRetry({ ...policy, maxRetries: 0 }, 1, err, lowest), { retry: false, then: "Deleted", reason: "Retries were disabled for this job." });
  assert.is((decideRetry(policy, 1, { type: "TypeError", message: "x" }, lowest) as { then: string }).then, "Failed");
  assert.is((decideRetry(policy, 1, { type: "UnrecoverableError", message: "x" }, lowest) as { then: string }).then, "Failed");
});

test("resolveRetryPolicy refuses each bad field with its name and what was expected", () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ delaysSeconds: [5, -1] }, /^retry\.delaysSeconds must be non-negative finite seconds; got -1$/],
    [{ delaysSeconds: "5" }, /^retry\.delaysSeconds must be an array of seconds; got "5"$/],
    [{ exponential: { initialSeconds: 0 } }, /^retry\.exponential\.initialSeconds must be a positive number of seconds; got 0$/],
    [{ exponential: { initialSeconds: 1, factor: 0.5 } }, /^retry\.exponential\.factor must be a number ≥ 1; got 0\.5$/],
    [{ exponential: { initialSeconds: 10, maxSeconds: 5 } }, /^retry\.exponential\.maxSeconds must be seconds ≥ initialSeconds \(10\); got 5$/],
    [{ exponential: { initialSeconds: 1, jitter: 1.5 } }, /^retry\.exponential\.jitter must be a fraction from 0 to 1; got 1\.5$/],
    [{ exponential: { initialSeconds: 1 }, delaysSeconds: [1] }, /^retry\.exponential must be alone: delaysSeconds is set as well/],
    [{ onlyOn: [] }, /^retry\.onlyOn must be a non-empty array of error class names/],
    [{ exceptOn: ["TypeError", ""] }, /^retry\.exceptOn must be error class names; got ""$/],
    [{ whenExhausted: "drop" }, /^retry\.whenExhausted must be "fail" or "delete"; got "drop"$/],
  ];
  for (const [partial, message] of cases) {
    try {
      resolveRetryPolicy(partial as never);
      assert.unreachable(`${JSON.stringify(partial)} was accepted`);
    } catch (err) {
      assert.instance(err, RangeError);
      assert.match((err as Error).message, message);
    }
  }
  assert.ok(resolveRetryPolicy({ exponential: { initialSeconds: 1, factor: 1, maxSeconds: 1, jitter: 1 }, onlyOn: ["Busy"], whenExhausted: "fail" }));
});

test.run();
