import { test } from "uvu";
import * as assert from "uvu/assert";
import { ValidationError } from "../../../src/errors.ts";
import { formatInZone, resolveTimeZone, zoneOffsetMs } from "../../../src/actors/runtime/zoned-time.ts";

const at = (iso: string) => Date.parse(iso);
const HOUR = 3_600_000;

test("an instant prints with its zone's offset and seconds always shown", () => {
  assert.is(formatInZone(at("2026-03-29T01:00:00Z"), "Europe/Berlin"), "2026-03-29T03:00:00+02:00");
  assert.is(formatInZone(at("2026-01-15T12:34:56Z"), "America/New_York"), "2026-01-15T07:34:56-05:00");
  assert.is(formatInZone(at("2026-01-01T00:00:00Z"), "Asia/Kathmandu"), "2026-01-01T05:45:00+05:45");
});

test("UTC prints as +00:00, not Z", () => {
  assert.is(formatInZone(at("2026-03-29T01:00:00Z"), "UTC"), "2026-03-29T01:00:00+00:00");
});

test("the last millisecond before Berlin springs forward is still 01:59 CET", () => {
  assert.is(formatInZone(at("2026-03-29T01:00:00Z") - 1, "Europe/Berlin"), "2026-03-29T01:59:59.999+01:00");
});

test("both passes of New York's repeated hour print with their own offsets", () => {
  assert.is(formatInZone(at("2026-11-01T05:30:00Z"), "America/New_York"), "2026-11-01T01:30:00-04:00");
  assert.is(formatInZone(at("2026-11-01T06:30:00Z"), "America/New_York"), "2026-11-01T01:30:00-05:00");
});

test("southern-hemisphere zones are on summer time in January", () => {
  assert.is(formatInZone(at("2026-01-01T00:00:00Z"), "Australia/Sydney"), "2026-01-01T11:00:00+11:00");
  assert.is(formatInZone(at("2026-07-01T00:00:00Z"), "Australia/Sydney"), "2026-07-01T10:00:00+10:00");
  assert.is(formatInZone(at("2026-07-01T00:00:00Z"), "Australia/Lord_Howe"), "2026-07-01T10:30:00+10:30");
});

test("instants before 1970 and with fractions of a millisecond print correctly", () => {
  assert.is(formatInZone(at("1969-07-20T20:17:40Z"), "America/New_York"), "1969-07-20T16:17:40-04:00");
  assert.is(formatInZone(1.7, "America/St_Johns"), "1969-12-31T20:30:00.001-03:30");
});

test("offsets change exactly at the transition instant, also for Lord Howe's half hour", () => {
  const spring = at("2026-03-29T01:00:00Z");
  assert.is(zoneOffsetMs(spring - 1000, "Europe/Berlin"), 1 * HOUR);
  assert.is(zoneOffsetMs(spring, "Europe/Berlin"), 2 * HOUR);
  const lordHowe = at("2026-10-03T15:30:00Z");
  assert.is(zoneOffsetMs(lordHowe - 1000, "Australia/Lord_Howe"), 10.5 * HOUR);
  assert.is(zoneOffsetMs(lordHowe, "Australia/Lord_Howe"), 11 * HOUR);
  assert.is(zoneOffsetMs(at("2026-11-01T06:00:00Z") - 1, "America/New_York"), -4 * HOUR);
  assert.is(zoneOffsetMs(at("2026-11-01T06:00:00Z"), "America/New_York"), -5 * HOUR);
});

test("zone names are checked, with Windows ids pointed to their IANA name", () => {
  assert.is(resolveTimeZone("utc"), "UTC");
  assert.is(resolveTimeZone(" America/New_York "), "America/New_York");
  assert.throws(
    () => resolveTimeZone("Pacific Standard Time"),
    (err: unknown) =>
      err instanceof ValidationError && err.field === "timeZone" && /use "America\/Los_Angeles" instead/.test(err.message),
  );
  assert.throws(() => resolveTimeZone("Nowhere/Special"), (err: unknown) => err instanceof ValidationError && /got "Nowhere\/Special"/.test(err.message));
  assert.throws(() => formatInZone(0, "Nowhere/Special"), (err: unknown) => err instanceof ValidationError);
});

test.run();
