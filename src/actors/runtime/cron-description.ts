// Plain-English schedules for the API and the dashboard, in the manner of crontab.guru.
// The strings for the five built-in jobs are a contract ("Daily at 2:00 AM UTC", "Every 6 hours").
//
// The words are built from the sets croner itself parsed (CronPattern), not from re-reading the
// text, so they can't disagree with when the job runs. Common shapes get short sentences; anything
// else gets the generic "At minute 5 past hours 1 and 13 on day-of-month 1–15 in January".
// Sentences with a clock time name the zone ("Daily at 2:00 AM Europe/Berlin"); the others get
// "(Europe/Berlin time)" outside UTC, since "Hourly at minute 15" depends on the zone's offset.
import { CronPattern } from "croner";
import { compileCron } from "./cron.ts";

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const ANY_OCCURRENCE = 0b111111; // croner's dayOfWeek bits: 1st–5th occurrence, and 32 = last
const LAST_OCCURRENCE = 0b100000;

interface Sets {
  second: number[];
  minute: number[];
  hour: number[];
  days: number[]; // plain days of month, 1-based
  lastDay: boolean; // L
  lastWeekday: boolean; // LW
  nearestWeekday: number[]; // 15W
  months: number[]; // 1-based
  weekdays: number[]; // plain weekdays, Monday first (1…6, 0)
  nthWeekdays: { weekday: number; bits: number }[]; // 5#2, 5L
  domRestricts: boolean;
  dowRestricts: boolean;
  both: "or" | "and";
}

export function describeCron(expression: string, timeZone = "UTC"): string {
  const c = compileCron(expression, timeZone);
  const p = new CronPattern(c.pattern, undefined, { mode: c.withSeconds ? "6-part" : "5-part", sloppyRanges: true });
  const s = setsOf(p);
  const zone = c.timeZone;
  return shaped(s, zone) ?? generic(s, zone);
}

function setsOf(p: CronPattern): Sets {
  const on = (a: number[], base = 0) => a.flatMap((v, i) => (v ? [i + base] : []));
  const weekdays: number[] = [];
  const nthWeekdays: Sets["nthWeekdays"] = [];
  for (const d of [1, 2, 3, 4, 5, 6, 0]) {
    const bits = p.dayOfWeek[d] ?? 0;
    if (bits === ANY_OCCURRENCE || bits === 1) weekdays.push(d);
    else if (bits) nthWeekdays.push({ weekday: d, bits });
  }
  return {
    second: on(p.second),
    minute: on(p.minute),
    hour: on(p.hour),
    days: on(p.day, 1),
    lastDay: p.lastDayOfMonth,
    lastWeekday: p.lastWeekday,
    nearestWeekday: on(p.nearestWeekdays, 1),
    months: on(p.month, 1),
    weekdays,
    nthWeekdays,
    // croner matches on day-of-month alone when day-of-week is "*", and the reverse; when both are
    // restricted either may match, unless "+" (useAndLogic) asks for both.
    domRestricts: !p.starDOM,
    dowRestricts: !p.starDOW,
    both: p.useAndLogic ? "and" : "or",
  };
}

// ---- short sentences for common shapes -----------------------------------------------------------

function shaped(s: Sets, zone: string): string | null {
  const allMonths = s.months.length === 12;
  const times = clockTimes(s);
  if (times) {
    const at = `at ${joinList(times)} ${zone}`;
    if (!s.domRestricts && !s.dowRestricts && allMonths) return `Daily ${at}`;
    if (!s.domRestricts && s.dowRestricts && allMonths && s.nthWeekdays.length === 0) {
      if (s.weekdays.length === 7) return `Daily ${at}`;
      const run = contiguous(s.weekdays);
      if (run && s.weekdays.length >= 3) return `${WEEKDAYS[run[0]]} through ${WEEKDAYS[run[1]]} ${at}`;
      return `Weekly on ${joinList(s.weekdays.map((d) => WEEKDAYS[d]))} ${at}`;
    }
    if (s.domRestricts && !s.dowRestricts) {
      const day = monthDays(s);
      if (day && allMonths) return `Monthly on ${day} ${at}`;
      if (day && s.months.length === 1 && s.days.length === 1 && day.startsWith("day ")) {
        return `Yearly on ${MONTHS[s.months[0] - 1]} ${s.days[0]} ${at}`;
      }
    }
    return null;
  }

  const every = intervalPhrase(s, zone);
  if (!every) return null;
  const days = !s.domRestricts && !s.dowRestricts ? "" : !s.domRestricts && s.nthWeekdays.length === 0 ? weekdaysSuffix(s.weekdays) : null;
  if (days === null || !allMonths) return null;
  return every + days;
}

/** Every combination of the time fields as clock times, when they are few and fixed. */
function clockTimes(s: Sets): string[] | null {
  if (s.second.length !== 1 || s.hour.length === 24 || s.minute.length * s.hour.length > 6) return null;
  // "*/6", "9-17" and "*/10 9" read better as "Every 6 hours", "Every hour from … through …" and
  // "Every 10 minutes from … through …".
  if (evenStep(s.hour, 24) || (s.hour.length >= 3 && contiguous(s.hour)) || evenStep(s.minute, 60)) return null;
  return s.hour.flatMap((h) => s.minute.map((m) => clock(h, m, s.second[0])));
}

/** "Every 5 minutes", "Hourly at minute 15", "Every hour from 9:00 AM through 5:00 PM UTC"… */
function intervalPhrase(s: Sets, zone: string): string | null {
  const [sec] = s.second;
  const allHours = s.hour.length === 24;
  const allMinutes = s.minute.length === 60;
  const zoned = (text: string) => (isUtc(zone) ? text : `${text} (${zone} time)`);

  if (allHours && allMinutes) {
    // No zone needed: every real offset is a whole number of minutes.
    if (s.second.length === 60) return "Every second";
    const n = evenStep(s.second, 60);
    if (n) return `Every ${n} seconds`;
    if (s.second.length === 1) return sec === 0 ? "Every minute" : `Every minute at second ${sec}`;
    return null;
  }
  if (s.second.length !== 1) return null;
  const atSecond = sec === 0 ? "" : ` at second ${sec}`;
  const minuteStep = allMinutes ? 1 : evenStep(s.minute, 60);

  if (allHours) {
    if (minuteStep) return zoned(`Every ${minuteStep} minutes${atSecond}`);
    if (s.minute.length === 1 && sec === 0) return zoned(s.minute[0] === 0 ? "Every hour" : `Hourly at minute ${s.minute[0]}`);
    return null;
  }
  const hourStep = evenStep(s.hour, 24);
  if (hourStep && s.minute.length === 1 && sec === 0) {
    return zoned(`Every ${hourStep} hours${s.minute[0] === 0 ? "" : ` at minute ${s.minute[0]}`}`);
  }
  const hours = contiguous(s.hour);
  if (hours && (minuteStep || s.minute.length === 1)) {
    const first = clock(hours[0], s.minute[0], sec);
    const last = clock(hours[1], s.minute[s.minute.length - 1], sec);
    const what = s.minute.length === 1 ? "Every hour" : minuteStep === 1 ? "Every minute" : `Every ${minuteStep} minutes`;
    return `${what} from ${first} through ${last} ${zone}`;
  }
  return null;
}

function weekdaysSuffix(days: number[]): string {
  const run = contiguous(days);
  if (run && days.length >= 3) return `, ${WEEKDAYS[run[0]]} through ${WEEKDAYS[run[1]]}`;
  return ` on ${joinList(days.map((d) => WEEKDAYS[d]))}`;
}

/** "day 1", "days 1 and 15", "the last day", "the last weekday", or null for mixtures. */
function monthDays(s: Sets): string | null {
  const kinds = [s.days.length > 0, s.lastDay, s.lastWeekday, s.nearestWeekday.length > 0].filter(Boolean).length;
  if (kinds !== 1) return null;
  if (s.lastDay) return "the last day";
  if (s.lastWeekday) return "the last weekday";
  if (s.nearestWeekday.length === 1) return `the weekday nearest day ${s.nearestWeekday[0]}`;
  if (s.days.length === 1) return `day ${s.days[0]}`;
  if (s.days.length > 1 && s.days.length <= 5) return `days ${joinList(s.days.map(String))}`;
  return null;
}

// ---- the generic sentence ------------------------------------------------------------------------

function generic(s: Sets, zone: string): string {
  const fixed = s.second.length === 1 && s.minute.length === 1 && s.hour.length === 1;
  let text: string;
  if (fixed) {
    text = `At ${clock(s.hour[0], s.minute[0], s.second[0])} ${zone}`;
  } else {
    text = "At ";
    if (!(s.second.length === 1 && s.second[0] === 0)) text += `${numbers(s.second, 0, 59, "second", "seconds")} of `;
    text += numbers(s.minute, 0, 59, "minute", "minutes");
    if (s.hour.length !== 24) text += ` past ${numbers(s.hour, 0, 23, "hour", "hours")}`;
  }
  const dom = s.domRestricts ? dayOfMonthPhrase(s) : "";
  const dow = s.dowRestricts ? dayOfWeekPhrase(s) : "";
  if (dom && dow) text += s.both === "and" ? ` on ${dom} when that day is ${dow}` : ` on ${dom} or on ${dow}`;
  else if (dom || dow) text += ` on ${dom || dow}`;
  if (s.months.length !== 12) text += ` in ${names(s.months, MONTHS, 1)}`;
  if (!fixed && !isUtc(zone)) text += ` (${zone} time)`;
  return text;
}

function dayOfMonthPhrase(s: Sets): string {
  const parts: string[] = [];
  if (s.days.length) parts.push(numbers(s.days, 1, 31, "day-of-month", "day-of-month"));
  if (s.lastDay) parts.push("the last day of the month");
  if (s.lastWeekday) parts.push("the last weekday of the month");
  for (const d of s.nearestWeekday) parts.push(`the weekday nearest day-of-month ${d}`);
  return joinList(parts);
}

function dayOfWeekPhrase(s: Sets): string {
  const parts: string[] = [];
  if (s.weekdays.length) {
    const run = contiguous(s.weekdays);
    parts.push(run && s.weekdays.length >= 3 ? `${WEEKDAYS[run[0]]} through ${WEEKDAYS[run[1]]}` : joinList(s.weekdays.map((d) => WEEKDAYS[d])));
  }
  for (const { weekday, bits } of s.nthWeekdays) {
    const which = [1, 2, 3, 4, 5].filter((n) => bits & (1 << (n - 1))).map(ordinal);
    if (bits & LAST_OCCURRENCE) which.push("last");
    parts.push(`the ${joinList(which)} ${WEEKDAYS[weekday]} of the month`);
  }
  return joinList(parts);
}

/** "every minute", "minute 5", "hours 1 and 13", "day-of-month 1–15", "every 15th minute from 5 through 59". */
function numbers(values: number[], lo: number, hi: number, unit: string, units: string): string {
  if (values.length === hi - lo + 1) return `every ${unit}`;
  const step = values.length >= 3 ? values[1] - values[0] : 0;
  if (step > 1 && values.every((v, i) => v === values[0] + i * step)) {
    const last = values[values.length - 1];
    const whole = values[0] === lo && last + step > hi;
    return `every ${ordinal(step)} ${unit}${whole ? "" : ` from ${values[0]} through ${last}`}`;
  }
  const runs = toRuns(values).map(([a, b]) => (a === b ? `${a}` : b === a + 1 ? `${a} and ${b}` : `${a}–${b}`));
  return `${values.length === 1 ? unit : units} ${joinList(runs)}`;
}

function names(values: number[], table: string[], base: number): string {
  const run = contiguous(values);
  if (run && values.length >= 3) return `${table[run[0] - base]} through ${table[run[1] - base]}`;
  return joinList(values.map((v) => table[v - base]));
}

// ---- small helpers -------------------------------------------------------------------------------

function isUtc(zone: string): boolean {
  return zone === "UTC";
}

/** 14:05:30 → "2:05:30 PM"; seconds only when not zero. */
function clock(h: number, m: number, s: number): string {
  const hour12 = h % 12 === 0 ? 12 : h % 12;
  const sec = s ? `:${String(s).padStart(2, "0")}` : "";
  return `${hour12}:${String(m).padStart(2, "0")}${sec} ${h < 12 ? "AM" : "PM"}`;
}

/** The step n when values are exactly 0, n, 2n, … and n divides the cycle evenly (so "every n" is true across the wrap). */
function evenStep(values: number[], cycle: number): number | null {
  if (values.length < 2 || values[0] !== 0) return null;
  const n = values[1];
  if (cycle % n !== 0 || values.length !== cycle / n) return null;
  return values.every((v, i) => v === i * n) ? n : null;
}

/** [first, last] when the values (in the given order) are consecutive. Weekdays count Sunday as 7. */
function contiguous(values: number[]): [number, number] | null {
  if (values.length === 0) return null;
  const seq = values.map((v, i) => (i > 0 && v === 0 && values[i - 1] === 6 ? 7 : v));
  return seq.every((v, i) => i === 0 || v === seq[i - 1] + 1) ? [values[0], values[values.length - 1]] : null;
}

function toRuns(values: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const v of values) {
    const last = runs[runs.length - 1];
    if (last && v === last[1] + 1) last[1] = v;
    else runs.push([v, v]);
  }
  return runs;
}

function joinList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ["th", "st", "nd", "rd"][n % 10] ?? "th";
  return `${n}${suffix}`;
}
