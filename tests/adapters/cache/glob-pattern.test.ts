import { test } from "uvu";
import * as assert from "uvu/assert";
import { escapeGlob, globToRegExp } from "../../../src/adapters/cache/glob-pattern.ts";

const matches = (glob: string, s: string) => globToRegExp(glob).test(s);

test("star matches any run of characters, colons included", () => {
  assert.ok(matches("reports:*", "reports:inventory:weekly:2025:W51"));
  assert.ok(matches("*", ""));
  assert.not.ok(matches("reports:*", "analytics:daily"));
});

test("question mark matches exactly one character", () => {
  assert.ok(matches("W5?", "W51"));
  assert.not.ok(matches("W5?", "W5"));
  assert.not.ok(matches("W5?", "W512"));
});

test("classes match one character from a set, a range or outside them", () => {
  assert.ok(matches("[ab]x", "bx"));
  assert.not.ok(matches("[ab]x", "cx"));
  assert.ok(matches("[0-9]", "7"));
  assert.ok(matches("[9-0]", "7"), "Redis accepts reversed ranges");
  assert.ok(matches("[^a]", "b"));
  assert.not.ok(matches("[^a]", "a"));
  assert.ok(matches("[\\]]", "]"));
});

test("a backslash makes the next character literal", () => {
  assert.ok(matches("a\\*b", "a*b"));
  assert.not.ok(matches("a\\*b", "axb"));
  assert.ok(matches("a\\?", "a?"));
});

test("an unclosed bracket is a literal character", () => {
  assert.ok(matches("a[b", "a[b"));
});

test("regular-expression characters are literal", () => {
  assert.ok(matches("a.b+(c)|$^", "a.b+(c)|$^"));
  assert.not.ok(matches("a.b", "axb"));
});

test("an escaped literal matches only itself", () => {
  const prefix = "Prod[1]*?\\_";
  assert.ok(matches(escapeGlob(prefix) + "*", prefix + "anything"));
  assert.not.ok(matches(escapeGlob(prefix) + "*", "Prod1xx_anything"));
});

test.run();
