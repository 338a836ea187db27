// Calendar names of an instant, in UTC (the zone of every cache key): the day of a daily
// analytics snapshot and the ISO-8601 week of a weekly report.

/** 2025-12-15T02:00Z → "2025-12-15" */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface IsoWeek {
  /** The ISO week-numbering year: 2024-12-30 is in week 1 of 2025. */
  year: number;
  week: number;
}

/** ISO-8601 week: weeks start on Monday, week 1 holds the year's first Thursday. */
export function isoWeek(ms: number): IsoWeek {
  const d = new Date(ms);
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = day.getUTCDay() || 7; // Monday 1 … Sunday 7
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const year = day.getUTCFullYear();
  const week = Math.ceil(((day.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return { year, week };
}

/** { year: 2025, week: 1 } → "2025:W01" (the tail of the weekly report's key). */
export function isoWeekKey(w: IsoWeek): string {
  return `${w.year}:W${String(w.week).padStart(2, "0")}`;
}

/** The Monday 00:00 UTC that starts an ISO week. */
export function isoWeekStart(w: IsoWeek): number {
  const jan4 = Date.UTC(w.year, 0, 4);
  const jan4Weekday = new Date(jan4).getUTCDay() || 7;
  return jan4 - (jan4Weekday - 1) * 86_400_000 + (w.week - 1) * 7 * 86_400_000;
}
