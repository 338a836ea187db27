// Instants in IANA time zones, with Intl only (no tz database of our own, no Date.now()).
// An instant is ms since the epoch; a "wall time" is the zone's clock reading at that instant,
// expressed as the epoch ms of the same reading in UTC (so wall − instant = the zone's offset).
// Offsets only change on whole seconds, so every lookup works on the instant floored to a second.
import { ValidationError } from "../../errors.ts";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string, era = false): Intl.DateTimeFormat {
  const key = era ? `${timeZone}|era` : timeZone;
  let f = formatters.get(key);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        ...(era ? { era: "short" } : {}),
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch (err) {
      throw new ValidationError("timeZone", unknownZoneMessage(timeZone), { cause: err });
    }
    formatters.set(key, f);
  }
  return f;
}

// "9/9/2001, 03:46:40": format() and a regex cost ~1 µs, formatToParts() ~3.7 µs.
const EN_US = /^(\d+)\/(\d+)\/(\d+),? (\d+):(\d+):(\d+)$/;
// Before 1 AD en-US writes "1/1/2 BC"-style years, which only formatToParts with an era reads well.
const YEAR_2_MS = -62_104_060_800_000;

/** The zone's clock reading at `ms`, as the epoch ms of the same reading in UTC. */
export function wallClockMs(ms: number, timeZone: string): number {
  const sec = Math.floor(ms / 1000) * 1000;
  let f: number[];
  const m = sec > YEAR_2_MS ? EN_US.exec(formatterFor(timeZone).format(sec)) : null;
  if (m) {
    f = [Number(m[3]), Number(m[1]), Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6])];
  } else {
    const p: Record<string, string> = {};
    for (const part of formatterFor(timeZone, true).formatToParts(sec)) p[part.type] = part.value;
    const year = /^B/.test(p.era) ? 1 - Number(p.year) : Number(p.year);
    f = [year, Number(p.month), Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)];
  }
  const [year, month, day, hour, minute, second] = f;
  let wall = Date.UTC(year, month - 1, day, hour, minute, second);
  if (year < 100) {
    // Date.UTC maps years 0–99 to 1900–1999.
    const d = new Date(wall);
    d.setUTCFullYear(year);
    wall = d.getTime();
  }
  return wall + (ms - sec);
}

/** The zone's UTC offset in effect at `ms`, in ms (wall − instant): +7_200_000 for CEST. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const period = periodFor(timeZone, Math.floor(ms / PERIOD_MS));
  let offset = period.initialOffset;
  for (const t of period.transitions) {
    if (t.at > ms) break;
    offset = t.offset;
  }
  return offset;
}

function intlOffsetMs(sec: number, timeZone: string): number {
  return wallClockMs(sec, timeZone) - sec;
}

// Cron evaluation asks for offsets thousands of times per schedule, and one Intl call costs
// ~3.5 µs, so each zone's transitions are found once per period (~1.3 ms) and kept. Offsets are
// sampled daily and each change is narrowed to its second by bisection. That would miss two
// transitions less than a day apart, which no zone has had; the Temporal polyfill samples every
// two weeks on the same assumption.
const PERIOD_MS = 366 * 86_400_000;
const SAMPLE_MS = 86_400_000;

interface Period {
  initialOffset: number;
  transitions: { at: number; offset: number }[];
}

const periods = new Map<string, Map<number, Period>>();

function periodFor(timeZone: string, index: number): Period {
  let byIndex = periods.get(timeZone);
  if (!byIndex) periods.set(timeZone, (byIndex = new Map()));
  let period = byIndex.get(index);
  if (!period) {
    period = scanPeriod(timeZone, index * PERIOD_MS, (index + 1) * PERIOD_MS);
    byIndex.set(index, period);
  }
  return period;
}

function scanPeriod(timeZone: string, start: number, end: number): Period {
  const initialOffset = intlOffsetMs(start, timeZone);
  const transitions: Period["transitions"] = [];
  let a = start;
  let offsetA = initialOffset;
  while (a < end) {
    const b = Math.min(a + SAMPLE_MS, end);
    const offsetB = intlOffsetMs(b, timeZone);
    if (offsetB !== offsetA) {
      // First second in (a, b] with the new offset.
      let lo = a;
      let hi = b;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
        if (intlOffsetMs(mid, timeZone) === offsetA) lo = mid;
        else hi = mid;
      }
      if (hi < end) transitions.push({ at: hi, offset: offsetB });
    }
    a = b;
    offsetA = offsetB;
  }
  return { initialOffset, transitions };
}

/**
 * ISO-8601 with the zone's offset: "2026-03-29T03:00:00+02:00". Seconds are always shown,
 * milliseconds only when not zero, and UTC reads "+00:00" (not "Z") so every zone looks alike.
 */
export function formatInZone(ms: number, timeZone: string): string {
  const whole = Math.floor(ms);
  const offset = intlOffsetMs(Math.floor(whole / 1000) * 1000, timeZone);
  const wall = new Date(whole + offset);
  const y = wall.getUTCFullYear();
  const year = y < 0 ? `-${pad(-y, 6)}` : y > 9999 ? `+${pad(y, 6)}` : pad(y, 4);
  const millis = wall.getUTCMilliseconds();
  return (
    `${year}-${pad(wall.getUTCMonth() + 1, 2)}-${pad(wall.getUTCDate(), 2)}` +
    `T${pad(wall.getUTCHours(), 2)}:${pad(wall.getUTCMinutes(), 2)}:${pad(wall.getUTCSeconds(), 2)}` +
    (millis ? `.${pad(millis, 3)}` : "") +
    formatOffset(offset)
  );
}

function formatOffset(offsetMs: number): string {
  const sign = offsetMs < 0 ? "-" : "+";
  const total = Math.abs(offsetMs) / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  // Local mean time before ~1900 has offsets like +00:19:32; dropping the seconds would name a
  // different instant, so they are kept (the extended form Temporal also uses).
  return `${sign}${pad(h, 2)}:${pad(m, 2)}${s ? `:${pad(s, 2)}` : ""}`;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * Checks that `timeZone` is an IANA zone Intl knows, and returns the name to store: the input
 * itself, with its case fixed ("europe/berlin" → "Europe/Berlin"). Intl's own canonical name is
 * not used otherwise, since it turns "Asia/Kolkata" into "Asia/Calcutta", which surprises users.
 * Throws ValidationError("timeZone") with a suggestion for Windows ids ("W. Europe Standard Time").
 */
export function resolveTimeZone(timeZone: string): string {
  const name = typeof timeZone === "string" ? timeZone.trim() : "";
  // Intl in newer engines accepts "+02:00"; that is an offset, not a zone with DST rules.
  if (!name || /^[+\-\u2212]\d/.test(name)) throw new ValidationError("timeZone", unknownZoneMessage(name));
  const resolved = formatterFor(name).resolvedOptions().timeZone;
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

/** True when the zone never moves off UTC, so wall time = instant. */
export function isUtcZone(timeZone: string): boolean {
  return formatterFor(timeZone).resolvedOptions().timeZone === "UTC";
}

// The Windows ids people bring from .NET and Hangfire (TimeZoneInfo.FindSystemTimeZoneById), with
// the IANA zone CLDR's windowsZones.xml maps them to ("001" territory), so the error can say what
// to type instead.
const WINDOWS_ZONES: Record<string, string> = {
  "UTC": "UTC",
  "GMT Standard Time": "Europe/London",
  "Greenwich Standard Time": "Atlantic/Reykjavik",
  "W. Europe Standard Time": "Europe/Berlin",
  "Central Europe Standard Time": "Europe/Budapest",
  "Central European Standard Time": "Europe/Warsaw",
  "Romance Standard Time": "Europe/Paris",
  "E. Europe Standard Time": "Europe/Chisinau",
  "FLE Standard Time": "Europe/Kyiv",
  "GTB Standard Time": "Europe/Bucharest",
  "Russian Standard Time": "Europe/Moscow",
  "Turkey Standard Time": "Europe/Istanbul",
  "Israel Standard Time": "Asia/Jerusalem",
  "South Africa Standard Time": "Africa/Johannesburg",
  "Arabian Standard Time": "Asia/Dubai",
  "India Standard Time": "Asia/Kolkata",
  "China Standard Time": "Asia/Shanghai",
  "Singapore Standard Time": "Asia/Singapore",
  "Tokyo Standard Time": "Asia/Tokyo",
  "AUS Eastern Standard Time": "Australia/Sydney",
  "E. Australia Standard Time": "Australia/Brisbane",
  "Lord Howe Standard Time": "Australia/Lord_Howe",
  "New Zealand Standard Time": "Pacific/Auckland",
  "Eastern Standard Time": "America/New_York",
  "Central Standard Time": "America/Chicago",
  "Mountain Standard Time": "America/Denver",
  "US Mountain Standard Time": "America/Phoenix",
  "Pacific Standard Time": "America/Los_Angeles",
  "Alaskan Standard Time": "America/Anchorage",
  "Hawaiian Standard Time": "Pacific/Honolulu",
  "Atlantic Standard Time": "America/Halifax",
  "E. South America Standard Time": "America/Sao_Paulo",
};

function unknownZoneMessage(name: string): string {
  const windows = Object.keys(WINDOWS_ZONES).find((k) => k.toLowerCase() === name.toLowerCase());
  if (windows || /standard time|daylight time/i.test(name)) {
    const hint = windows ? `; use "${WINDOWS_ZONES[windows]}" instead` : ", such as \"Europe/Berlin\"";
    return `timeZone must be an IANA time zone name; "${name}" is a Windows time zone id${hint}`;
  }
  return `timeZone must be an IANA time zone name such as "UTC", "Europe/Berlin" or "America/New_York"; got "${name}"`;
}
