// Plain-text formatting for the dashboard: numbers, durations, instants. Pure functions of their
// inputs ("now" is a parameter), so pages render the same under a virtual clock.

const UNITS: [number, string][] = [
  [86_400_000, "d"],
  [3_600_000, "h"],
  [60_000, "min"],
  [1_000, "s"],
];

/** 1234567 → "1,234,567". */
export function count(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** 1234567 → "1.2M", for tiles where space is short. */
export function compact(n: number): string {
  if (n < 10_000) return count(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 100_000 ? 1 : 0).replace(/\.0$/, "")}k`;
  return `${(n / 1_000_000).toFixed(n < 10_000_000 ? 2 : 1).replace(/\.?0+$/, "")}M`;
}

/** Milliseconds as people read them: "850 ms", "12.4 s", "3 min 5 s", "2 h 10 min", "3 d 4 h". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  const abs = Math.abs(ms);
  if (abs < 1000) return `${abs < 10 ? abs.toFixed(1).replace(/\.0$/, "") : Math.round(abs)} ms`;
  if (abs < 60_000) return `${(abs / 1000).toFixed(abs < 10_000 ? 2 : 1).replace(/\.?0+$/, "")} s`;
  const parts: string[] = [];
  let rest = abs;
  for (const [size, unit] of UNITS) {
    if (parts.length === 2) break;
    const n = Math.floor(rest / size);
    if (n > 0 || parts.length) {
      if (n > 0) parts.push(`${n} ${unit}`);
      rest -= n * size;
    }
  }
  return parts.join(" ");
}

/** "12 s ago", "in 3 min", "just now". */
export function relative(at: number, now: number): string {
  const d = at - now;
  if (Math.abs(d) < 1000) return "just now";
  const text = duration(Math.abs(d) < 60_000 ? Math.round(Math.abs(d) / 1000) * 1000 : Math.abs(d));
  return d < 0 ? `${text} ago` : `in ${text}`;
}

/** "2026-05-01 14:03:22" (UTC, the dashboard's one zone; the ISO form is in <time datetime>). */
export function utc(at: number): string {
  return new Date(Math.floor(at)).toISOString().slice(0, 19).replace("T", " ");
}

export function iso(at: number): string {
  return new Date(Math.floor(at)).toISOString();
}

/** Arguments and results as readable JSON; anything unserialisable says so. */
export function prettyJson(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? "undefined";
  } catch {
    return "(not serialisable)";
  }
}

/** The first `max` characters of one line of text, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? line.slice(0, max - 1) + "…" : line;
}

export function plural(n: number, one: string, many = one + "s"): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}
