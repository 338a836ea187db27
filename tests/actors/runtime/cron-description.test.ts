import { test } from "uvu";
import * as assert from "uvu/assert";
import { ValidationError } from "../../../src/errors.ts";
import { describeCron } from "../../../src/actors/runtime/cron-description.ts";

function describes(cases: [string, string][], timeZone?: string) {
  for (const [expression, text] of cases) assert.is(describeCron(expression, timeZone), text, expression);
}

test("the five built-in jobs read exactly as the API contract says", () => {
  describes([
    ["0 2 * * *", "Daily at 2:00 AM UTC"],
    ["0 3 * * 1", "Weekly on Monday at 3:00 AM UTC"],
    ["0 */6 * * *", "Every 6 hours"],
    ["15 * * * *", "Hourly at minute 15"],
    ["0 4 * * *", "Daily at 4:00 AM UTC"],
  ]);
});

test("times in other zones carry the zone's name", () => {
  describes(
    [
      ["0 2 * * *", "Daily at 2:00 AM Europe/Berlin"],
      ["0 9 * * 1-5", "Monday through Friday at 9:00 AM Europe/Berlin"],
    ],
    "Europe/Berlin",
  );
});

test("schedules without a clock time say which zone's hours they follow outside UTC", () => {
  assert.is(describeCron("15 * * * *", "Asia/Kolkata"), "Hourly at minute 15 (Asia/Kolkata time)");
  assert.is(describeCron("0 */6 * * *", "Europe/Berlin"), "Every 6 hours (Europe/Berlin time)");
  assert.is(describeCron("* * * * *", "Europe/Berlin"), "Every minute");
});

test("minute and hour intervals read as 'every'", () => {
  describes([
    ["* * * * *", "Every minute"],
    ["*/5 * * * *", "Every 5 minutes"],
    ["0,30 * * * *", "Every 30 minutes"],
    ["0 * * * *", "Every hour"],
    ["@hourly", "Every hour"],
    ["30 */2 * * *", "Every 2 hours at minute 30"],
    ["0 9-17 * * *", "Every hour from 9:00 AM through 5:00 PM UTC"],
    ["*/5 * * * 1-5", "Every 5 minutes, Monday through Friday"],
    ["*/10 9 * * *", "Every 10 minutes from 9:00 AM through 9:50 AM UTC"],
    ["*/15 9-17 * * 1-5", "Every 15 minutes from 9:00 AM through 5:45 PM UTC, Monday through Friday"],
  ]);
});

test("steps that don't divide the hour or day are not called regular", () => {
  describes([
    ["*/7 * * * *", "At every 7th minute"],
    ["5/15 * * * *", "At every 15th minute from 5 through 50"],
    ["0 */5 * * *", "Daily at 12:00 AM, 5:00 AM, 10:00 AM, 3:00 PM and 8:00 PM UTC"],
  ]);
});

test("daily, weekly, monthly and yearly schedules read as such", () => {
  describes([
    ["0 2,14 * * *", "Daily at 2:00 AM and 2:00 PM UTC"],
    ["30 6 * * *", "Daily at 6:30 AM UTC"],
    ["0 12 * * *", "Daily at 12:00 PM UTC"],
    ["@daily", "Daily at 12:00 AM UTC"],
    ["0 0 * * 0-6", "Daily at 12:00 AM UTC"],
    ["0 9 * * 1-5", "Monday through Friday at 9:00 AM UTC"],
    ["0 3 * * 1,3", "Weekly on Monday and Wednesday at 3:00 AM UTC"],
    ["0 10 * * 6,0", "Weekly on Saturday and Sunday at 10:00 AM UTC"],
    ["0 1-2,7 * * 2", "Weekly on Tuesday at 1:00 AM, 2:00 AM and 7:00 AM UTC"],
    ["@weekly", "Weekly on Sunday at 12:00 AM UTC"],
    ["0 0 1 * *", "Monthly on day 1 at 12:00 AM UTC"],
    ["@monthly", "Monthly on day 1 at 12:00 AM UTC"],
    ["0 0 1,15 * *", "Monthly on days 1 and 15 at 12:00 AM UTC"],
    ["0 23 L * *", "Monthly on the last day at 11:00 PM UTC"],
    ["0 0 LW * *", "Monthly on the last weekday at 12:00 AM UTC"],
    ["0 0 15W * *", "Monthly on the weekday nearest day 15 at 12:00 AM UTC"],
    ["0 0 1 1 *", "Yearly on January 1 at 12:00 AM UTC"],
    ["@yearly", "Yearly on January 1 at 12:00 AM UTC"],
    ["0 8 25 DEC *", "Yearly on December 25 at 8:00 AM UTC"],
  ]);
});

test("6-field expressions describe their seconds", () => {
  describes([
    ["* * * * * *", "Every second"],
    ["*/10 * * * * *", "Every 10 seconds"],
    ["30 * * * * *", "Every minute at second 30"],
    ["15 */5 * * * *", "Every 5 minutes at second 15"],
    ["30 0 2 * * *", "Daily at 2:00:30 AM UTC"],
    ["0 0 2 * * *", "Daily at 2:00 AM UTC"],
    ["30 15 * * * *", "At second 30 of minute 15"],
  ]);
});

test("anything else gets the generic sentence, field by field", () => {
  describes([
    ["5 1,13 1-15 1 *", "At minute 5 past hours 1 and 13 on day-of-month 1–15 in January"],
    ["0 0 13 * 5", "At 12:00 AM UTC on day-of-month 13 or on Friday"],
    ["0 0 13 * +5", "At 12:00 AM UTC on day-of-month 13 when that day is Friday"],
    ["0 0 * * 5#2", "At 12:00 AM UTC on the 2nd Friday of the month"],
    ["0 0 * * 5L", "At 12:00 AM UTC on the last Friday of the month"],
    ["0 0 */2 * *", "At 12:00 AM UTC on every 2nd day-of-month"],
    ["0 0 1 */3 *", "At 12:00 AM UTC on day-of-month 1 in January, April, July and October"],
    ["0 12 * JAN-MAR MON", "At 12:00 PM UTC on Monday in January through March"],
    ["0 0 1,15W * *", "At 12:00 AM UTC on day-of-month 1 and the weekday nearest day-of-month 15"],
    ["*/10 9,17 * * *", "At every 10th minute past hours 9 and 17"],
    ["0 1-3,7,9,11,13 * * 2", "At minute 0 past hours 1–3, 7, 9, 11 and 13 on Tuesday"],
  ]);
  assert.is(
    describeCron("5 1,13 1-15 1 *", "Europe/Berlin"),
    "At minute 5 past hours 1 and 13 on day-of-month 1–15 in January (Europe/Berlin time)",
  );
  assert.is(describeCron("0 0 13 * 5", "Europe/Berlin"), "At 12:00 AM Europe/Berlin on day-of-month 13 or on Friday");
});

test("a bad expression or zone throws the same ValidationError as compiling it", () => {
  assert.throws(() => describeCron("* * * *"), (err: unknown) => err instanceof ValidationError && err.field === "cron");
  assert.throws(
    () => describeCron("0 2 * * *", "Central Europe Standard Time"),
    (err: unknown) => err instanceof ValidationError && err.field === "timeZone",
  );
});

test.run();
