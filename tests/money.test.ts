// Money as cents inside, decimals in JSON, "$45,678.90" in logs — exact both ways.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { centsToDecimal, decimalToCents, formatUsd } from "../src/money.ts";
import { ValidationError } from "../src/errors.ts";

test("cents format as US dollars with thousands separators and two decimals", () => {
  assert.is(formatUsd(4_567_890), "$45,678.90");
  assert.is(formatUsd(0), "$0.00");
  assert.is(formatUsd(5), "$0.05");
  assert.is(formatUsd(99_999), "$999.99");
  assert.is(formatUsd(100_000), "$1,000.00");
  assert.is(formatUsd(123_456_789_012), "$1,234,567,890.12");
});

test("cents become the decimal JSON shows, and decimals become cents exactly", () => {
  assert.is(centsToDecimal(1999), 19.99);
  assert.is(centsToDecimal(4_567_890), 45678.9);
  assert.is(JSON.stringify(centsToDecimal(123_456_789)), "1234567.89");
  for (const [input, cents] of [[19.99, 1999], [0.1, 10], [0.29, 29], [1.005 * 0 + 1.01, 101], ["20", 2000], [1234567.89, 123456789], [0, 0]] as const) {
    assert.is(decimalToCents("price", input), cents, String(input));
  }
});

test("amounts with more than two decimals, negative or not numbers are refused naming the field", () => {
  for (const bad of [19.999, -1, "abc", "", null, Number.NaN, Infinity, "1e3", "0x10"]) {
    try {
      decimalToCents("price", bad);
      assert.unreachable(`${String(bad)} should be refused`);
    } catch (err) {
      assert.instance(err, ValidationError);
      assert.is((err as ValidationError).field, "price");
    }
  }
});

test.run();
