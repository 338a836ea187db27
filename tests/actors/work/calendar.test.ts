// ISO-8601 weeks and UTC dates, as the cache keys name them.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isoWeek, isoWeekKey, isoWeekStart, utcDate } from "../../../src/actors/work/calendar.ts";

const at = (iso: string) => Date.parse(iso);

test("ISO weeks belong to the year of their Thursday", () => {
  const cases: [string, string][] = [
    ["2025-12-15T03:00:00Z", "2025:W51"],
    ["2025-12-21T23:59:59Z", "2025:W51"],
    ["2025-12-22T00:00:00Z", "2025:W52"],
    ["2024-12-30T03:00:00Z", "2025:W01"], // Monday of week 1 of 2025
    ["2021-01-03T12:00:00Z", "2020:W53"], // Sunday still in 2020's last week
    ["2026-12-31T12:00:00Z", "2026:W53"],
    ["2027-01-03T12:00:00Z", "2026:W53"],
    ["2027-01-04T00:00:00Z", "2027:W01"],
  ];
  for (const [instant, key] of cases) assert.is(isoWeekKey(isoWeek(at(instant))), key, instant);
});

test("a week starts on its Monday at midnight UTC", () => {
  assert.is(new Date(isoWeekStart({ year: 2025, week: 51 })).toISOString(), "2025-12-15T00:00:00.000Z");
  assert.is(new Date(isoWeekStart({ year: 2025, week: 1 })).toISOString(), "2024-12-30T00:00:00.000Z");
  assert.is(new Date(isoWeekStart({ year: 2026, week: 53 })).toISOString(), "2026-12-28T00:00:00.000Z");
  for (let d = at("2020-01-01T00:00:00Z"); d < at("2028-01-01T00:00:00Z"); d += 86_400_000) {
    const w = isoWeek(d);
    const start = isoWeekStart(w);
    assert.ok(start <= d && d < start + 7 * 86_400_000, new Date(d).toISOString());
  }
});

test("the date of an instant is its UTC calendar day", () => {
  assert.is(utcDate(at("2025-12-15T02:00:00Z")), "2025-12-15");
  assert.is(utcDate(at("2025-12-15T23:59:59.999Z")), "2025-12-15");
});

test.run();
