import { test } from "uvu";
import * as assert from "uvu/assert";
import { matchesTopic } from "../../../src/adapters/bus/topic-pattern.ts";

const cases: Array<[string, string, boolean]> = [
  ["product.*", "product.created", true],
  ["product.*", "product", false],
  ["product.*", "product.stock.changed", false],
  ["*.created", "product.created", true],
  ["*", "product", true],
  ["*", "", false],
  ["#", "", true],
  ["#", "a.b.c", true],
  ["inventory.alert.#", "inventory.alert", true],
  ["inventory.alert.#", "inventory.alert.low", true],
  ["inventory.alert.#", "inventory.alert.low.extra", true],
  ["inventory.alert.#", "inventory.alerts", false],
  ["#.low", "inventory.alert.low", true],
  ["#.low", "low", true],
  ["#.low", "inventory.alert.lowest", false],
  ["a.#.b", "a.b", true],
  ["a.#.b", "a.x.y.b", true],
  ["a.#.b", "a.x.y.c", false],
  ["a.*.#", "a", false],
  ["a.*.#", "a.b", true],
  ["#.*", "", false],
  ["#.*", "a", true],
  ["a.b", "a.b", true],
  ["a.b", "a.bb", false],
  ["", "", true],
  ["", "a", false],
  ["a..b", "a..b", true],
  ["a.*.b", "a..b", true],
];

for (const [pattern, key, expected] of cases) {
  test(`"${pattern}" ${expected ? "matches" : "does not match"} "${key}"`, () => {
    assert.is(matchesTopic(pattern, key), expected);
  });
}

test("patterns made of many #s stay fast", () => {
  const key = Array.from({ length: 60 }, (_, i) => `w${i}`).join(".");
  const started = performance.now();
  assert.is(matchesTopic("#.#.#.#.#.#.#.#.#.#.nope", key), false);
  assert.ok(performance.now() - started < 100);
});

test.run();
