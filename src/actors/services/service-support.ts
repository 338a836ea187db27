// What the three background services share: their context type and how intervals read in logs.
import type { Config } from "../../config.ts";
import type { ServiceContext } from "../runtime/service-definition.ts";
import type { CatalogServices } from "../worker-services.ts";

export type CatalogServiceContext = ServiceContext<CatalogServices, Config>;

const plural = (n: number, unit: string) => `${Number(n.toFixed(2))} ${unit}${n === 1 ? "" : "s"}`;

/** 1_800_000 → "30 minutes" (the unit of the Elasticsearch sync's contract line, whatever the length). */
export function inMinutes(ms: number): string {
  return plural(ms / 60_000, "minute");
}

/** 21_600_000 → "6 hours", 1_800_000 → "30 minutes", 45_000 → "45 seconds". */
export function humanInterval(ms: number): string {
  if (ms >= 3_600_000 && ms % 3_600_000 === 0) return plural(ms / 3_600_000, "hour");
  if (ms >= 60_000) return plural(ms / 60_000, "minute");
  return plural(ms / 1000, "second");
}
