// Cron schedules in any IANA zone, as pure functions of instants (ms since the epoch).
//
// croner matches the calendar; this module owns the time-zone rules. croner runs at a fixed UTC
// offset of 0 over *wall time* (the zone's clock reading written as if it were UTC), and every wall
// occurrence is mapped back to an instant here, with the DST rules of Vixie cron as Hangfire's
// Cronos implements them (CronExpression.GetOccurrenceConsideringTimeZone):
//
// 1. Spring forward (a skipped hour): an occurrence whose wall time does not exist runs AT the
//    transition instant, for fixed and interval expressions alike. Several occurrences inside the
//    gap, and one at the first wall time after it, collapse into that one instant.
//    `30 2 * * *` Europe/Berlin, 2026-03-29 → 03:00+02:00 (01:00Z).
// 2. Fall back (a repeated hour): the first pass runs as usual. In the second pass only an
//    *interval* expression fires again: its second, minute or hour field holds `*`, `?`, a range
//    or a step (`*/30 * * * *`, `0 * * * *`, `0 1-2 * * *`). A fixed one (`30 1 * * *`, and lists
//    such as `0,30 1 * * *`) ran in the first pass and is not repeated.
//
// What croner 11 does by itself with its `timezone` option, and why we don't rely on it: it shifts
// gap occurrences to the transition only for "fixed-time" jobs and *skips* them for interval jobs
// (`0,30 2 * * *` loses its run on the spring-forward day), and by default it counts lists as
// interval (its `fixedTimeRule` "single-value"; "no-wildcard" counts ranges as fixed instead), so
// neither setting is Cronos's rule. It is also ~7× slower with a zone than at a fixed offset.
//
// Day-of-month and day-of-week combine as in Vixie cron and croner (either may match when both
// are restricted; `+` before the weekday asks for both), not as in Cronos, which requires both.
// Occurrences fall on whole seconds (minutes for 5 fields).
import { Cron } from "croner";
import { ValidationError } from "../../errors.ts";
import { isUtcZone, resolveTimeZone, zoneOffsetMs } from "./zoned-time.ts";

export interface CompiledCron {
  /** The expression as given (trimmed). */
  readonly expression: string;
  /** The fields croner evaluates: macros expanded, 5 or 6 of them. */
  readonly pattern: string;
  readonly timeZone: string;
  /** 6 fields: the first is seconds. */
  readonly withSeconds: boolean;
  /** Fires in both passes of a repeated hour (see rule 2 above). */
  readonly interval: boolean;
  /** @internal First wall time strictly after `wallMs` matching the pattern, or null. */
  readonly nextWall: (wallMs: number) => number | null;
  /** @internal The zone is UTC: wall time is the instant. */
  readonly utc: boolean;
}

export type MisfirePolicy = "relaxed" | "strict" | "ignorable";

export interface DueOptions {
  /** Most runs one wake-up returns (the most recent are kept). Default 1000. */
  maxRuns?: number;
  /** "ignorable": how late an occurrence may be and still run. Default 60 s. */
  ignorableToleranceMs?: number;
}

export interface DueOccurrences {
  /** Scheduled instants to fire, oldest first; each is an occurrence of the cron itself. */
  runs: number[];
  /** The first occurrence after now, or null when the expression never fires again. */
  next: number | null;
}

// Cronos's macros (Hangfire accepts them); croner knows all but the @every_* ones.
const MACROS: Record<string, string> = {
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

const EXPECTED = `expected 5 fields (minute hour day month weekday) or 6 (second first), e.g. "0 2 * * *", or a macro such as @daily`;

export function compileCron(expression: string, timeZone = "UTC"): CompiledCron {
  const zone = resolveTimeZone(timeZone);
  // One space between fields: what is stored and shown is the form that was checked.
  const text = typeof expression === "string" ? expression.trim().replace(/\s+/g, " ") : "";
  const pattern = text.startsWith("@") ? MACROS[text.toLowerCase()] : text;
  if (pattern === undefined) {
    throw new ValidationError("cron", `cron macro "${text}" is unknown; expected one of ${Object.keys(MACROS).join(", ")}`);
  }
  const fields = pattern.split(/\s+/).filter(Boolean);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new ValidationError(
      "cron",
      `cron must have 5 fields (minute hour day month weekday) or 6 (second first); got ${fields.length}: "${text}"`,
    );
  }
  const withSeconds = fields.length === 6;
  fields.forEach((f, i) => checkField(f, FIELD_NAMES[i + (withSeconds ? 0 : 1)], text));

  let matcher: Cron;
  try {
    // utcOffset 0: croner matches wall time, we do the zone (see the top of the file).
    // sloppyRanges: "0/15" (a start with a step) is common in Hangfire and Quartz crons.
    matcher = new Cron(fields.join(" "), { utcOffset: 0, mode: withSeconds ? "6-part" : "5-part", sloppyRanges: true });
  } catch (err) {
    const reason = err instanceof Error ? err.message.replace(/^CronPattern:\s*/, "") : String(err);
    throw new ValidationError("cron", `cron "${text}" is not valid: ${reason}; ${EXPECTED}`, { cause: err });
  }
  const timeFields = withSeconds ? fields.slice(0, 3) : ["0", ...fields.slice(0, 2)];
  return {
    expression: text,
    pattern: fields.join(" "),
    timeZone: zone,
    withSeconds,
    interval: timeFields.some((f) => /[*?\-/]/.test(f)),
    utc: isUtcZone(zone),
    nextWall: (wallMs) => matcher.nextRun(new Date(wallMs))?.getTime() ?? null,
  };
}

const FIELD_NAMES = ["second", "minute", "hour", "day-of-month", "month", "day-of-week"] as const;
const BOUNDS: Record<(typeof FIELD_NAMES)[number], [number, number]> = {
  second: [0, 59],
  minute: [0, 59],
  hour: [0, 23],
  "day-of-month": [1, 31],
  month: [1, 12],
  "day-of-week": [0, 7],
};

// croner's messages count months and days from 0 ("Invalid value for month: 12" for 13); this
// catches out-of-range numbers first so the message quotes what the user wrote.
function checkField(field: string, name: (typeof FIELD_NAMES)[number], text: string): void {
  const [lo, hi] = BOUNDS[name];
  if (/^\/|,\/|\/\/|\/$/.test(field)) {
    throw new ValidationError("cron", `cron "${text}": the ${name} field "${field}" has a step without a start; write "*/n" or "a-b/n"`);
  }
  for (const part of field.replace(/^\+/, "").split(",")) {
    const [values, step] = part.split("/");
    // After "#" comes the week of the month ("5#2"), not a value of this field.
    for (const num of values.replace(/#.*$/, "").match(/\d+/g) ?? []) {
      const n = Number(num);
      if (n < lo || n > hi) {
        throw new ValidationError("cron", `cron "${text}": ${name} ${n} is out of range; expected ${lo}–${hi}`);
      }
    }
    if (step !== undefined && !/^\d+$/.test(step)) {
      throw new ValidationError("cron", `cron "${text}": the step "/${step}" in the ${name} field must be a number`);
    }
  }
}

function assertInstant(ms: number, what: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a finite number of ms since the epoch; got ${ms}`);
}

/** First occurrence strictly after `afterMs`, or null when there is none (e.g. `0 0 30 2 *`). */
export function nextAfter(c: CompiledCron, afterMs: number): number | null {
  assertInstant(afterMs, "afterMs");
  // Occurrences are on whole seconds, so "after 10.5 s" is "after 10 s".
  const t = Math.floor(afterMs / 1000) * 1000;
  if (c.utc) return c.nextWall(t);

  let wall = t + zoneOffsetMs(t, c.timeZone);
  let inclusive = false;
  const from = () => c.nextWall(inclusive ? wall - 1000 : wall);

  const here = instantsAt(c.timeZone, wall);
  if (here.length === 2) {
    // `t` is inside a repeated hour: follow Cronos, first pass, then second pass, then onwards.
    const [early, late] = here;
    const fold = foldAround(c.timeZone, early, late);
    if (t === early) {
      const f = from();
      if (f !== null && f < fold.wallEnd) return f - fold.earlyOffset;
      wall = fold.wallStart;
      inclusive = true;
    }
    if (c.interval) {
      const f = from();
      if (f !== null && f < fold.wallEnd) return f - fold.lateOffset;
    }
    wall = fold.wallEnd;
    inclusive = true;
  }

  const f = from();
  if (f === null) return null;
  const instants = instantsAt(c.timeZone, f);
  if (instants.length === 0) return gapEnd(c.timeZone, f); // rule 1
  return instants[0]; // a repeated wall time runs in its first pass first
}

export function occurrencesAfter(c: CompiledCron, afterMs: number, count: number): number[] {
  const out: number[] = [];
  let t: number | null = afterMs;
  while (out.length < count && (t = nextAfter(c, t)) !== null) out.push(t);
  return out;
}

/**
 * What a scheduler waking at `nowMs` fires, given it has handled everything up to `lastMs`.
 * Due occurrences are those in (lastMs, nowMs].
 * - relaxed: one run, at the latest due occurrence (Hangfire runs it at "now"; the occurrence
 *   keeps the run's instant deterministic, which the recurringId+instant key needs);
 * - strict: one run per due occurrence, at most maxRuns, the most recent kept;
 * - ignorable: only occurrences no older than ignorableToleranceMs run; older ones are skipped.
 * If the clock went back (nowMs < lastMs) nothing is due, and `next` comes after lastMs, so an
 * instant already handled is never offered again.
 */
export function dueOccurrences(
  c: CompiledCron,
  lastMs: number,
  nowMs: number,
  misfire: MisfirePolicy,
  opts: DueOptions = {},
): DueOccurrences {
  assertInstant(lastMs, "lastMs");
  assertInstant(nowMs, "nowMs");
  const maxRuns = opts.maxRuns ?? 1000;
  const tolerance = opts.ignorableToleranceMs ?? 60_000;
  if (!Number.isInteger(maxRuns) || maxRuns < 1) throw new RangeError(`maxRuns must be a positive integer; got ${maxRuns}`);
  if (!(tolerance >= 0)) throw new RangeError(`ignorableToleranceMs must be ≥ 0; got ${tolerance}`);
  if (misfire !== "relaxed" && misfire !== "strict" && misfire !== "ignorable") {
    throw new RangeError(`misfire must be "relaxed", "strict" or "ignorable"; got ${JSON.stringify(misfire)}`);
  }

  const next = nextAfter(c, Math.max(lastMs, nowMs));
  if (!(lastMs < nowMs)) return { runs: [], next };
  switch (misfire) {
    case "relaxed":
      return { runs: latestIn(c, lastMs, nowMs, 1), next };
    case "strict":
      return { runs: latestIn(c, lastMs, nowMs, maxRuns), next };
    case "ignorable": {
      // Occurrences sit on whole ms, so "≥ now − tolerance" is "> ceil(now − tolerance) − 1".
      const lo = Math.max(lastMs, Math.ceil(nowMs - tolerance) - 1);
      return { runs: latestIn(c, lo, nowMs, maxRuns), next };
    }
  }
}

const FIRST_WINDOW_MS = 60_000;
const WINDOW_GROWTH = 4;

/**
 * The last `k` occurrences in (lo, hi], oldest first. Enumerating from `lo` would cost one step per
 * missed occurrence (a week's outage of an every-second cron is 604,800), so windows grow back from
 * `hi` until they hold k occurrences or reach `lo`: the work stays near k × WINDOW_GROWTH steps.
 */
function latestIn(c: CompiledCron, lo: number, hi: number, k: number): number[] {
  for (let span = FIRST_WINDOW_MS; ; span *= WINDOW_GROWTH) {
    const from = Math.max(lo, hi - span);
    let found: number[] = [];
    for (let t = nextAfter(c, from); t !== null && t <= hi; t = nextAfter(c, t)) {
      found.push(t);
      if (found.length >= 2 * k) found = found.slice(-k); // keep memory bounded on dense windows
    }
    if (found.length >= k || from === lo) return found.slice(-k);
  }
}

// ---- wall time ↔ instants ------------------------------------------------------------------------

const DAY_MS = 86_400_000;

/**
 * The instants whose wall time is `wall`, ascending: one normally, none in a gap, two in a
 * repeated hour. Offsets a day either side bound the candidates (the method of the Temporal
 * polyfill's GetPossibleInstantsFor); it assumes at most one transition within a day of `wall`.
 */
function instantsAt(zone: string, wall: number): number[] {
  const before = zoneOffsetMs(wall - DAY_MS, zone);
  const after = zoneOffsetMs(wall + DAY_MS, zone);
  const out: number[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const instant = wall - offset;
    if (zoneOffsetMs(instant, zone) === offset) out.push(instant);
  }
  return out.sort((a, b) => a - b);
}

/** The first instant in (lo, hi] whose offset differs from lo's; transitions are on whole seconds. */
function transitionIn(zone: string, lo: number, hi: number): number {
  const base = zoneOffsetMs(lo, zone);
  let a = lo; // offset === base
  let b = hi; // offset !== base
  while (b - a > 1000) {
    const mid = a + Math.floor((b - a) / 2000) * 1000;
    if (zoneOffsetMs(mid, zone) === base) a = mid;
    else b = mid;
  }
  return b;
}

/** The instant a gap ends, for a wall time inside it: where the clock jumped forward. */
function gapEnd(zone: string, wall: number): number {
  const before = zoneOffsetMs(wall - DAY_MS, zone);
  const after = zoneOffsetMs(wall + DAY_MS, zone);
  // The jump happened at some T with T + before ≤ wall < T + after.
  return transitionIn(zone, wall - after, wall - before);
}

interface Fold {
  /** First and first-after-last wall times that occur twice. */
  wallStart: number;
  wallEnd: number;
  earlyOffset: number;
  lateOffset: number;
}

/** The repeated hour around a wall time whose two instants are `early` and `late`. */
function foldAround(zone: string, early: number, late: number): Fold {
  const earlyOffset = zoneOffsetMs(early, zone);
  const lateOffset = zoneOffsetMs(late, zone);
  const at = transitionIn(zone, early, late);
  return { wallStart: at + lateOffset, wallEnd: at + earlyOffset, earlyOffset, lateOffset };
}
