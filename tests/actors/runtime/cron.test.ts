import { Cron } from "croner";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ValidationError } from "../../../src/errors.ts";
import { compileCron, dueOccurrences, nextAfter, occurrencesAfter } from "../../../src/actors/runtime/cron.ts";
import { formatInZone, zoneOffsetMs } from "../../../src/actors/runtime/zoned-time.ts";

const at = (iso: string) => Date.parse(iso);

/** The next `n` occurrences after `fromIso`, written in the cron's zone, so offsets are asserted too. */
function next(expression: string, timeZone: string, fromIso: string, n: number): string[] {
  const c = compileCron(expression, timeZone);
  return occurrencesAfter(c, at(fromIso), n).map((t) => formatInZone(t, timeZone));
}

function utc(list: number[]): string[] {
  return list.map((t) => new Date(t).toISOString());
}

function rejects(fn: () => unknown, field: string, pattern: RegExp) {
  try {
    fn();
  } catch (err) {
    assert.instance(err, ValidationError);
    assert.is((err as ValidationError).field, field);
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable("expected a ValidationError");
}

// ---- compiling ----------------------------------------------------------------------------------

test("a 5-field expression compiles with minute precision", () => {
  const c = compileCron("0 2 * * *");
  assert.is(c.withSeconds, false);
  assert.is(c.timeZone, "UTC");
  assert.is(c.pattern, "0 2 * * *");
  assert.equal(next("0 2 * * *", "UTC", "2026-01-01T00:00:00Z", 2), ["2026-01-01T02:00:00+00:00", "2026-01-02T02:00:00+00:00"]);
});

test("a 6-field expression reads its first field as seconds", () => {
  const c = compileCron("*/15 * * * * *");
  assert.is(c.withSeconds, true);
  assert.equal(utc(occurrencesAfter(c, at("2026-01-01T00:00:07.500Z"), 3)), [
    "2026-01-01T00:00:15.000Z",
    "2026-01-01T00:00:30.000Z",
    "2026-01-01T00:00:45.000Z",
  ]);
  assert.equal(next("30 0 2 * * *", "UTC", "2026-01-01T00:00:00Z", 1), ["2026-01-01T02:00:30+00:00"]);
});

test("macros expand to the expressions Cronos gives them, in any letter case", () => {
  const expected: Record<string, string> = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
    "@every_minute": "* * * * *",
    "@every_second": "* * * * * *",
  };
  for (const [macro, pattern] of Object.entries(expected)) assert.is(compileCron(macro).pattern, pattern, macro);
  assert.is(compileCron(" @Daily ").pattern, "0 0 * * *");
  assert.equal(next("@weekly", "UTC", "2026-01-01T00:00:00Z", 1), ["2026-01-04T00:00:00+00:00"]);
  assert.equal(next("@yearly", "Europe/Berlin", "2026-06-01T00:00:00Z", 1), ["2027-01-01T00:00:00+01:00"]);
});

test("a start with a step, as Hangfire and Quartz users write it, is accepted", () => {
  assert.equal(next("0/15 * * * *", "UTC", "2026-01-01T00:00:00Z", 2), ["2026-01-01T00:15:00+00:00", "2026-01-01T00:30:00+00:00"]);
});

test("an expression with the wrong number of fields says how many it needs", () => {
  rejects(
    () => compileCron("* * * *"),
    "cron",
    /^cron must have 5 fields \(minute hour day month weekday\) or 6 \(second first\); got 4: "\* \* \* \*"$/,
  );
  rejects(() => compileCron("0 0 0 1 1 * 2030"), "cron", /got 7/);
  rejects(() => compileCron(""), "cron", /got 0/);
});

test("bad fields, steps and macros are refused with the field named", () => {
  rejects(() => compileCron("0 0 * 13 *"), "cron", /month 13 is out of range; expected 1–12/);
  rejects(() => compileCron("60 * * * *"), "cron", /minute 60 is out of range; expected 0–59/);
  rejects(() => compileCron("0 0 0 * *"), "cron", /day-of-month 0 is out of range; expected 1–31/);
  rejects(() => compileCron("0 0 * * 8"), "cron", /day-of-week 8 is out of range/);
  rejects(() => compileCron("/10 * * * *"), "cron", /step without a start/);
  rejects(() => compileCron("*/x * * * *"), "cron", /step "\/x"/);
  rejects(() => compileCron("*/0 * * * *"), "cron", /is not valid: .*expected 5 fields/);
  rejects(() => compileCron("a b c d e"), "cron", /is not valid/);
  rejects(() => compileCron("0 23-1 * * *"), "cron", /is not valid/);
  rejects(() => compileCron("@fortnightly"), "cron", /macro "@fortnightly" is unknown; expected one of @yearly/);
});

test("unknown zones, offsets and Windows ids are refused with an IANA suggestion", () => {
  rejects(() => compileCron("0 2 * * *", "Mars/Olympus_Mons"), "timeZone", /IANA time zone name such as "UTC"/);
  rejects(() => compileCron("0 2 * * *", "+02:00"), "timeZone", /IANA/);
  rejects(
    () => compileCron("0 2 * * *", "W. Europe Standard Time"),
    "timeZone",
    /"W. Europe Standard Time" is a Windows time zone id; use "Europe\/Berlin" instead/,
  );
  rejects(() => compileCron("0 2 * * *", "Eastern Standard Time"), "timeZone", /use "America\/New_York"/);
});

test("a zone name has its letter case fixed and is otherwise kept as written", () => {
  assert.is(compileCron("0 2 * * *", "europe/berlin").timeZone, "Europe/Berlin");
  assert.is(compileCron("0 2 * * *", "Asia/Kolkata").timeZone, "Asia/Kolkata");
});

test("an expression is interval-based when a time field has a wildcard, range or step, as in Cronos", () => {
  const interval = (e: string) => compileCron(e).interval;
  for (const e of ["*/30 * * * *", "0 * * * *", "30 1-2 * * *", "0/15 1 * * *", "* 1 * * *", "*/10 30 1 * * *", "@hourly"]) {
    assert.ok(interval(e), e);
  }
  for (const e of ["30 1 * * *", "0,30 1 * * *", "0 1,13 * * *", "0 30 1 * * *", "0 0 * * 1-5", "@daily"]) {
    assert.not.ok(interval(e), e);
  }
});

// ---- next occurrences ---------------------------------------------------------------------------

test("the next occurrence is strictly after the given instant, to the millisecond", () => {
  const c = compileCron("0 2 * * *");
  assert.is(nextAfter(c, at("2026-01-01T02:00:00Z")), at("2026-01-02T02:00:00Z"));
  assert.is(nextAfter(c, at("2026-01-01T01:59:59.999Z")), at("2026-01-01T02:00:00Z"));
  assert.is(nextAfter(c, at("2026-01-01T02:00:00Z") - 0.5), at("2026-01-01T02:00:00Z"));
});

test("an expression that never matches has no next occurrence", () => {
  assert.is(nextAfter(compileCron("0 0 30 2 *"), at("2026-01-01T00:00:00Z")), null);
  assert.equal(occurrencesAfter(compileCron("0 0 30 2 *"), 0, 3), []);
});

test("day-of-month and day-of-week match either one, as in Vixie cron, and '+' asks for both", () => {
  assert.equal(next("0 0 13 * 5", "UTC", "2026-01-01T00:00:00Z", 3), [
    "2026-01-02T00:00:00+00:00",
    "2026-01-09T00:00:00+00:00",
    "2026-01-13T00:00:00+00:00",
  ]);
  assert.equal(next("0 0 13 * +5", "UTC", "2026-01-01T00:00:00Z", 2), ["2026-02-13T00:00:00+00:00", "2026-03-13T00:00:00+00:00"]);
});

test("a non-finite instant is a programming error", () => {
  assert.throws(() => nextAfter(compileCron("* * * * *"), Number.NaN), /finite/);
});

// ---- DST: spring forward, the skipped hour --------------------------------------------------------

test("a fixed time in Berlin's skipped hour runs at the transition, 03:00 CEST", () => {
  assert.equal(next("30 2 * * *", "Europe/Berlin", "2026-03-28T00:00:00Z", 3), [
    "2026-03-28T02:30:00+01:00",
    "2026-03-29T03:00:00+02:00",
    "2026-03-30T02:30:00+02:00",
  ]);
  assert.is(nextAfter(compileCron("30 2 * * *", "Europe/Berlin"), at("2026-03-28T12:00:00Z")), at("2026-03-29T01:00:00Z"));
});

test("occurrences inside and at the end of the skipped hour collapse into one run", () => {
  assert.equal(next("*/30 * * * *", "Europe/Berlin", "2026-03-29T00:00:00Z", 3), [
    "2026-03-29T01:30:00+01:00",
    "2026-03-29T03:00:00+02:00",
    "2026-03-29T03:30:00+02:00",
  ]);
  assert.equal(next("*/20 * 2 * * *", "Europe/Berlin", "2026-03-29T00:59:00Z", 2), [
    "2026-03-29T03:00:00+02:00",
    "2026-03-30T02:00:00+02:00",
  ]);
});

test("a list or an hour step in the skipped hour is shifted, not lost (croner alone drops it)", () => {
  assert.equal(next("0,30 2 * * *", "Europe/Berlin", "2026-03-28T03:00:00Z", 3), [
    "2026-03-29T03:00:00+02:00",
    "2026-03-30T02:00:00+02:00",
    "2026-03-30T02:30:00+02:00",
  ]);
  assert.equal(next("15 */2 * * *", "Europe/Berlin", "2026-03-28T23:00:00Z", 3), [
    "2026-03-29T00:15:00+01:00",
    "2026-03-29T03:00:00+02:00",
    "2026-03-29T04:15:00+02:00",
  ]);
});

test("a 6-field fixed time in the skipped hour runs at the transition too", () => {
  assert.equal(next("0 30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 2), [
    "2026-03-29T03:00:00+02:00",
    "2026-03-30T02:30:00+02:00",
  ]);
});

test("New York's skipped hour moves 02:30 to 03:00 EDT and hourly runs on without a gap", () => {
  assert.equal(next("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", 2), [
    "2026-03-08T03:00:00-04:00",
    "2026-03-09T02:30:00-04:00",
  ]);
  assert.equal(next("0 * * * *", "America/New_York", "2026-03-08T05:30:00Z", 3), [
    "2026-03-08T01:00:00-05:00",
    "2026-03-08T03:00:00-04:00",
    "2026-03-08T04:00:00-04:00",
  ]);
});

test("Sydney springs forward in October, and 02:30 runs at 03:00 AEDT", () => {
  assert.equal(next("30 2 * * *", "Australia/Sydney", "2026-10-03T12:00:00Z", 2), [
    "2026-10-04T03:00:00+11:00",
    "2026-10-05T02:30:00+11:00",
  ]);
});

test("Lord Howe's half-hour gap sends 02:15 to 02:30 and collapses every-10-minutes into it", () => {
  assert.equal(next("15 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", 2), [
    "2026-10-04T02:30:00+11:00",
    "2026-10-05T02:15:00+11:00",
  ]);
  assert.equal(next("*/10 * * * *", "Australia/Lord_Howe", "2026-10-03T15:15:00Z", 3), [
    "2026-10-04T01:50:00+10:30",
    "2026-10-04T02:30:00+11:00",
    "2026-10-04T02:40:00+11:00",
  ]);
});

test("midnight that doesn't exist (Beirut) runs at 01:00", () => {
  assert.equal(next("0 0 * * *", "Asia/Beirut", "2026-03-28T12:00:00Z", 2), [
    "2026-03-29T01:00:00+03:00",
    "2026-03-30T00:00:00+03:00",
  ]);
});

// ---- DST: fall back, the repeated hour ----------------------------------------------------------

test("a fixed time in New York's repeated hour runs once, in the first pass", () => {
  assert.equal(next("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", 3), [
    "2026-11-01T01:30:00-04:00",
    "2026-11-02T01:30:00-05:00",
    "2026-11-03T01:30:00-05:00",
  ]);
});

test("a list of fixed times in the repeated hour runs once each", () => {
  assert.equal(next("0,30 1 * * *", "America/New_York", "2026-11-01T04:45:00Z", 3), [
    "2026-11-01T01:00:00-04:00",
    "2026-11-01T01:30:00-04:00",
    "2026-11-02T01:00:00-05:00",
  ]);
});

test("interval expressions fire in both passes of the repeated hour", () => {
  assert.equal(next("*/30 * * * *", "America/New_York", "2026-11-01T04:45:00Z", 6), [
    "2026-11-01T01:00:00-04:00",
    "2026-11-01T01:30:00-04:00",
    "2026-11-01T01:00:00-05:00",
    "2026-11-01T01:30:00-05:00",
    "2026-11-01T02:00:00-05:00",
    "2026-11-01T02:30:00-05:00",
  ]);
  assert.equal(next("30 * * * *", "America/New_York", "2026-11-01T04:45:00Z", 3), [
    "2026-11-01T01:30:00-04:00",
    "2026-11-01T01:30:00-05:00",
    "2026-11-01T02:30:00-05:00",
  ]);
  assert.equal(next("30 1-2 * * *", "America/New_York", "2026-11-01T04:45:00Z", 4), [
    "2026-11-01T01:30:00-04:00",
    "2026-11-01T01:30:00-05:00",
    "2026-11-01T02:30:00-05:00",
    "2026-11-02T01:30:00-05:00",
  ]);
});

test("starting inside the repeated hour continues from the pass it is in", () => {
  // Second pass (01:10 EST): the fixed time already ran; the interval one goes on.
  assert.equal(next("30 1 * * *", "America/New_York", "2026-11-01T06:10:00Z", 1), ["2026-11-02T01:30:00-05:00"]);
  assert.equal(next("*/20 * * * *", "America/New_York", "2026-11-01T06:10:00Z", 2), [
    "2026-11-01T01:20:00-05:00",
    "2026-11-01T01:40:00-05:00",
  ]);
  // First pass, after 01:30 EDT: the fixed time doesn't come back in the second pass.
  assert.equal(next("30 1 * * *", "America/New_York", "2026-11-01T05:45:00Z", 1), ["2026-11-02T01:30:00-05:00"]);
});

test("Berlin's repeated 02:00–03:00 runs 02:30 once and every-30-minutes twice", () => {
  assert.equal(next("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2), [
    "2026-10-25T02:30:00+02:00",
    "2026-10-26T02:30:00+01:00",
  ]);
  assert.equal(next("*/30 * * * *", "Europe/Berlin", "2026-10-25T00:15:00Z", 4), [
    "2026-10-25T02:30:00+02:00",
    "2026-10-25T02:00:00+01:00",
    "2026-10-25T02:30:00+01:00",
    "2026-10-25T03:00:00+01:00",
  ]);
});

test("Sydney falls back in April: 02:30 runs once, hourly runs twice at 02:00", () => {
  assert.equal(next("30 2 * * *", "Australia/Sydney", "2026-04-04T00:00:00Z", 2), [
    "2026-04-05T02:30:00+11:00",
    "2026-04-06T02:30:00+10:00",
  ]);
  assert.equal(next("0 * * * *", "Australia/Sydney", "2026-04-04T14:30:00Z", 3), [
    "2026-04-05T02:00:00+11:00",
    "2026-04-05T02:00:00+10:00",
    "2026-04-05T03:00:00+10:00",
  ]);
});

test("Lord Howe repeats half an hour: 01:45 runs once, every-10-minutes runs twice", () => {
  assert.equal(next("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T00:00:00Z", 2), [
    "2026-04-05T01:45:00+11:00",
    "2026-04-06T01:45:00+10:30",
  ]);
  assert.equal(next("*/10 * * * *", "Australia/Lord_Howe", "2026-04-04T14:25:00Z", 7), [
    "2026-04-05T01:30:00+11:00",
    "2026-04-05T01:40:00+11:00",
    "2026-04-05T01:50:00+11:00",
    "2026-04-05T01:30:00+10:30",
    "2026-04-05T01:40:00+10:30",
    "2026-04-05T01:50:00+10:30",
    "2026-04-05T02:00:00+10:30",
  ]);
});

test("croner's own zone handling agrees everywhere except interval runs it drops in a gap", () => {
  const zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Kolkata"];
  const expressions = ["0 2 * * *", "30 1 * * *", "*/30 * * * *", "15 */2 * * *", "45 23 * * 5", "0 12 L * *"];
  for (const zone of zones) {
    for (const expression of expressions) {
      for (const start of ["2025-03-27T00:00:00Z", "2025-10-02T00:00:00Z", "2025-10-24T00:00:00Z"]) {
        const ours = occurrencesAfter(compileCron(expression, zone), at(start), 200);
        const theirs = new Cron(expression, { timezone: zone }).nextRuns(200, new Date(start)).map((d) => d.getTime());
        const end = Math.min(ours[ours.length - 1], theirs[theirs.length - 1]);
        const label = `${expression} ${zone} from ${start}`;
        ours.forEach((t, i) => i === 0 || assert.ok(t > ours[i - 1], `${label}: ascending`));
        assert.equal(theirs.filter((t) => t <= end && !ours.includes(t)), [], `${label}: nothing of croner's is lost`);
        for (const t of ours.filter((t) => t <= end && !theirs.includes(t))) {
          // Every extra run is a gap occurrence we moved to the transition instant.
          assert.ok(zoneOffsetMs(t - 1000, zone) < zoneOffsetMs(t, zone), `${label}: ${new Date(t).toISOString()} is a transition`);
        }
      }
    }
  }
});

// ---- misfire policies -----------------------------------------------------------------------------

const daily = compileCron("0 2 * * *");

test("an occurrence exactly at now is due, one exactly at the last processed instant is not", () => {
  const r = dueOccurrences(daily, at("2026-01-01T02:00:00Z") - 1, at("2026-01-01T02:00:00Z"), "relaxed");
  assert.equal(utc(r.runs), ["2026-01-01T02:00:00.000Z"]);
  assert.is(r.next, at("2026-01-02T02:00:00Z"));
  const again = dueOccurrences(daily, at("2026-01-01T02:00:00Z"), at("2026-01-01T02:00:05Z"), "relaxed");
  assert.equal(again.runs, []);
});

test("nothing is due a millisecond before the occurrence", () => {
  const r = dueOccurrences(daily, at("2026-01-01T00:00:00Z"), at("2026-01-01T02:00:00Z") - 1, "strict");
  assert.equal(r.runs, []);
  assert.is(r.next, at("2026-01-01T02:00:00Z"));
});

test("relaxed collapses three missed days into one run at the latest of them", () => {
  const r = dueOccurrences(daily, at("2026-01-01T03:00:00Z"), at("2026-01-04T02:30:00Z"), "relaxed");
  assert.equal(utc(r.runs), ["2026-01-04T02:00:00.000Z"]);
  assert.is(r.next, at("2026-01-05T02:00:00Z"));
});

test("strict runs every missed occurrence, oldest first", () => {
  const r = dueOccurrences(daily, at("2026-01-01T03:00:00Z"), at("2026-01-04T02:30:00Z"), "strict");
  assert.equal(utc(r.runs), ["2026-01-02T02:00:00.000Z", "2026-01-03T02:00:00.000Z", "2026-01-04T02:00:00.000Z"]);
});

test("strict keeps the most recent maxRuns occurrences", () => {
  const r = dueOccurrences(daily, at("2026-01-01T03:00:00Z"), at("2026-01-04T02:30:00Z"), "strict", { maxRuns: 2 });
  assert.equal(utc(r.runs), ["2026-01-03T02:00:00.000Z", "2026-01-04T02:00:00.000Z"]);
});

test("a week's outage of an every-second cron yields the last 1000 runs quickly", () => {
  const c = compileCron("* * * * * *", "Europe/Berlin");
  const started = performance.now();
  const r = dueOccurrences(c, at("2026-01-01T00:00:00Z"), at("2026-01-08T00:00:00.500Z"), "strict");
  const ms = performance.now() - started;
  assert.is(r.runs.length, 1000);
  assert.is(new Date(r.runs[0]).toISOString(), "2026-01-07T23:43:21.000Z");
  assert.is(new Date(r.runs[999]).toISOString(), "2026-01-08T00:00:00.000Z");
  assert.is(r.next, at("2026-01-08T00:00:01Z"));
  assert.ok(ms < 1000, `took ${ms} ms`);
  const relaxed = dueOccurrences(c, at("2025-01-01T00:00:00Z"), at("2026-01-08T00:00:00.500Z"), "relaxed");
  assert.equal(utc(relaxed.runs), ["2026-01-08T00:00:00.000Z"]);
});

test("ignorable runs only occurrences within the tolerance and skips older ones", () => {
  const c = compileCron("*/5 * * * *");
  const last = at("2026-01-01T00:00:00Z");
  const late = dueOccurrences(c, last, at("2026-01-01T00:21:30Z"), "ignorable");
  assert.equal(late.runs, []);
  assert.is(late.next, at("2026-01-01T00:25:00Z"));
  const wider = dueOccurrences(c, last, at("2026-01-01T00:21:30Z"), "ignorable", { ignorableToleranceMs: 120_000 });
  assert.equal(utc(wider.runs), ["2026-01-01T00:20:00.000Z"]);
  const edge = dueOccurrences(c, last, at("2026-01-01T00:21:00Z"), "ignorable");
  assert.equal(utc(edge.runs), ["2026-01-01T00:20:00.000Z"]);
  const all = dueOccurrences(c, last, at("2026-01-01T00:21:00Z"), "ignorable", { ignorableToleranceMs: 3_600_000 });
  assert.equal(utc(all.runs), [
    "2026-01-01T00:05:00.000Z",
    "2026-01-01T00:10:00.000Z",
    "2026-01-01T00:15:00.000Z",
    "2026-01-01T00:20:00.000Z",
  ]);
});

test("a clock that went back makes nothing due and never offers a handled instant again", () => {
  const r = dueOccurrences(daily, at("2026-01-03T02:00:00Z"), at("2026-01-02T12:00:00Z"), "strict");
  assert.equal(r.runs, []);
  assert.is(r.next, at("2026-01-04T02:00:00Z"));
});

test("strict over the skipped hour runs each collapsed instant once", () => {
  const c = compileCron("*/30 * * * *", "Europe/Berlin");
  const r = dueOccurrences(c, at("2026-03-29T00:00:00Z"), at("2026-03-29T01:45:00Z"), "strict");
  assert.equal(utc(r.runs), ["2026-03-29T00:30:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-29T01:30:00.000Z"]);
});

test("strict over the repeated hour runs interval occurrences of both passes", () => {
  const c = compileCron("*/30 * * * *", "America/New_York");
  const r = dueOccurrences(c, at("2026-11-01T04:45:00Z"), at("2026-11-01T06:45:00Z"), "strict");
  assert.equal(r.runs.map((t) => formatInZone(t, "America/New_York")), [
    "2026-11-01T01:00:00-04:00",
    "2026-11-01T01:30:00-04:00",
    "2026-11-01T01:00:00-05:00",
    "2026-11-01T01:30:00-05:00",
  ]);
});

test("due runs are deterministic occurrences of the cron", () => {
  const c = compileCron("15 * * * *", "Australia/Lord_Howe");
  const a = dueOccurrences(c, at("2026-01-01T00:00:00Z"), at("2026-01-01T05:40:12.345Z"), "relaxed");
  const b = dueOccurrences(c, at("2026-01-01T00:00:00Z"), at("2026-01-01T05:40:12.345Z"), "relaxed");
  assert.equal(a, b);
  assert.is(nextAfter(c, a.runs[0] - 1), a.runs[0]);
  assert.is(formatInZone(a.runs[0], "Australia/Lord_Howe"), "2026-01-01T16:15:00+11:00");
});

test("bad misfire options are refused", () => {
  assert.throws(() => dueOccurrences(daily, 0, 1, "sometimes" as never), /misfire must be/);
  assert.throws(() => dueOccurrences(daily, 0, 1, "strict", { maxRuns: 0 }), /maxRuns/);
  assert.throws(() => dueOccurrences(daily, 0, 1, "ignorable", { ignorableToleranceMs: -1 }), /ignorableToleranceMs/);
});

test.run();
