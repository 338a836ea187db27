// What the dashboard's routes share: the runtime they show, the clock, the asset version and
// the live feed. Built once per app in dashboard.ts.
import type { Clock } from "../actors/runtime/clock.ts";
import type { Runtime } from "../actors/runtime/runtime.ts";
import type { Logger } from "../logger.ts";
import type { Assets } from "../views/layout.tsx";
import type { LiveFeed } from "./dashboard-live.ts";

export interface DashboardContext {
  runtime: Runtime;
  clock: Clock;
  logger: Logger;
  assets: Assets;
  live: LiveFeed;
}
