// What every catalog job shares: its context type, the instant it stands for, argument checks for
// jobs that take none, and a log that writes each line both to the process log (where operators
// grep for it) and to the job's own log (shown on its dashboard page).
import { systemClock } from "../runtime/clock.ts";
import type { JobContext } from "../runtime/job-definition.ts";
import { ValidationError } from "../../errors.ts";
import { createLogger, type Logger } from "../../logger.ts";
import type { CatalogServices } from "../worker-services.ts";

export type CatalogJobContext<A = null> = JobContext<A, CatalogServices>;

/**
 * The instant a run stands for: a recurring tick's cron instant, or when a manual run was asked
 * for. Results that depend on "today" use it, so a retry hours later still writes the same day.
 */
export function jobInstant(ctx: JobContext<unknown, unknown>): number {
  return ctx.scheduledFor ?? systemClock.now();
}

/** For jobs that take no arguments: null, undefined and {} are fine; anything else is refused. */
export function noArgs(args: unknown): null {
  const empty = args === null || args === undefined || (typeof args === "object" && !Array.isArray(args) && Object.keys(args).length === 0);
  if (!empty) throw new ValidationError("args", `this job takes no arguments; got ${JSON.stringify(args)}`);
  return null;
}

export interface JobLog {
  info(message: string): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
}

const withError = (message: string, error: unknown) =>
  error === undefined ? message : `${message}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;

export function jobLog(ctx: JobContext<unknown, unknown>, category: string): JobLog {
  let logger: Logger;
  try {
    logger = (ctx.services as CatalogServices).logger.child(category);
  } catch {
    // The thread's services could not be created: the job is about to fail on them; say why.
    logger = createLogger({ category });
  }
  return {
    info(m) {
      logger.info(m);
      ctx.log(m, "info");
    },
    warn(m, e) {
      logger.warn(m, e);
      ctx.log(withError(m, e), "warn");
    },
    error(m, e) {
      logger.error(m, e);
      ctx.log(withError(m, e), "error");
    },
  };
}
