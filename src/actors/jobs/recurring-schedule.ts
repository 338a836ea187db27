// The five recurring jobs (DESIGN.md), as the runtime registers them at start. Ids, names, crons
// and zones are contracts; an operator changes a schedule without code through configuration
// (CRON_<ID>=…, TZ_<ID>=…) or the recurring-jobs API (kept in the ledger across restarts).
//
// Precedence: a schedule set in configuration wins over the ledger at every start (force); the
// default schedule does not, so a change made through the API survives restarts.
import type { Config } from "../../config.ts";
import type { RecurringDefinition } from "../../ledger/ledger.ts";

export interface RecurringSchedule {
  id: string;
  name: string;
  cron: string;
}

export const RECURRING_SCHEDULES: readonly RecurringSchedule[] = [
  { id: "daily-analytics", name: "Daily Analytics Generation", cron: "0 2 * * *" },
  { id: "weekly-inventory-report", name: "Weekly Inventory Report", cron: "0 3 * * 1" },
  { id: "cache-warmup", name: "Cache Warmup", cron: "0 */6 * * *" },
  { id: "popular-products", name: "Popular Products Refresh", cron: "15 * * * *" },
  { id: "cleanup", name: "Cleanup Old Data", cron: "0 4 * * *" },
];

export const DEFAULT_TIME_ZONE = "UTC";

export function recurringDefinitions(config: Pick<Config, "cronOverrides" | "timeZoneOverrides">): (RecurringDefinition & { force?: boolean })[] {
  return RECURRING_SCHEDULES.map((s) => {
    const cron = config.cronOverrides[s.id];
    const timeZone = config.timeZoneOverrides[s.id];
    return {
      id: s.id,
      name: s.name,
      type: s.id, // each recurring job runs the job type of the same name
      args: null,
      cron: cron ?? s.cron,
      timeZone: timeZone ?? DEFAULT_TIME_ZONE,
      misfire: "relaxed",
      ...(cron !== undefined || timeZone !== undefined ? { force: true } : {}),
    };
  });
}

/** Configuration naming a recurring job that does not exist is a typo: say so at start. */
export function unknownOverrides(config: Pick<Config, "cronOverrides" | "timeZoneOverrides">): string[] {
  const ids = new Set(RECURRING_SCHEDULES.map((s) => s.id));
  return [...Object.keys(config.cronOverrides), ...Object.keys(config.timeZoneOverrides)].filter((id) => !ids.has(id));
}
