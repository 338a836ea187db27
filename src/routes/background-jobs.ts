// The seed's endpoints, kept exactly as the .NET service answered them (users come with curl
// commands): the recurring-job list, three "trigger now" commands and the one-off cleanup.
import type { AppDeps } from "../app.ts";
import { DASHBOARD_URL, iso, RECURRING_EXAMPLE, RecurringJobSchema, toRecurringJob } from "./job-schemas.ts";
import { adminSecurity, commonErrors, createRoute, createRouter, guardedErrors, z } from "./openapi.ts";

/** A year: a cleanup further out than that is a typo, not a plan. */
export const MAX_DELAY_MINUTES = 525_600;

// The service listed them in this order; others (added by configuration) follow in ledger order.
const SEED_ORDER = ["daily-analytics", "weekly-inventory-report", "cache-warmup", "popular-products", "cleanup"];

const TRIGGERS = [
  { path: "trigger-analytics", type: "daily-analytics", message: "Analytics generation job queued successfully", summary: "Queue the daily analytics job now" },
  { path: "trigger-inventory-report", type: "weekly-inventory-report", message: "Inventory report generation job queued successfully", summary: "Queue the weekly inventory report now" },
  { path: "trigger-cache-warmup", type: "cache-warmup", message: "Cache warmup job queued successfully", summary: "Queue the cache warmup job now" },
] as const;

const RecurringListSchema = z
  .object({ recurringJobs: z.array(RecurringJobSchema), dashboardUrl: z.string(), totalJobs: z.number().int() })
  .openapi("RecurringJobList");

const QueuedSchema = z
  .object({ message: z.string(), jobId: z.string(), dashboardUrl: z.string() })
  .openapi("JobQueued", { example: { message: "Analytics generation job queued successfully", jobId: "1044", dashboardUrl: DASHBOARD_URL } });

const ScheduledSchema = z
  .object({
    message: z.string(),
    jobId: z.string(),
    scheduledAt: z.string().openapi({ format: "date-time" }),
    delayMinutes: z.number().int(),
    dashboardUrl: z.string(),
  })
  .openapi("CleanupScheduled", {
    example: {
      message: "Cleanup job scheduled to run in 60 minutes",
      jobId: "1045",
      scheduledAt: "2026-03-29T11:00:00.000Z",
      delayMinutes: 60,
      dashboardUrl: DASHBOARD_URL,
    },
  });

const delayMessage = (got: unknown) =>
  `delayMinutes must be a whole number of minutes from 1 to ${MAX_DELAY_MINUTES} (a year); got ${got === undefined ? "nothing" : JSON.stringify(got)}`;

const DelayQuery = z.object({
  delayMinutes: z
    .string({ error: (i) => delayMessage(i.input) })
    .refine((s) => /^\d{1,7}$/.test(s) && Number(s) >= 1 && Number(s) <= MAX_DELAY_MINUTES, { error: (i) => delayMessage(i.input) })
    .transform(Number)
    .openapi({ param: { name: "delayMinutes", in: "query" }, type: "integer", minimum: 1, maximum: MAX_DELAY_MINUTES, example: 60 }),
});

const base = "/api/backgroundjobs";

export function backgroundJobRoutes(deps: AppDeps) {
  const app = createRouter();
  const rt = deps.runtime;

  app.openapi(
    createRoute({
      method: "get",
      path: `${base}/recurring-jobs`,
      tags: ["Background jobs"],
      summary: "The recurring jobs, their schedules and last runs",
      responses: {
        200: {
          description: "Every recurring job",
          content: {
            "application/json": {
              schema: RecurringListSchema,
              example: {
                recurringJobs: [RECURRING_EXAMPLE],
                dashboardUrl: DASHBOARD_URL,
                totalJobs: 5,
              },
            },
          },
        },
        500: commonErrors[500],
      },
    }),
    async (c) => {
      const all = await rt.listRecurring();
      const rank = (id: string) => (SEED_ORDER.includes(id) ? SEED_ORDER.indexOf(id) : SEED_ORDER.length);
      const ordered = all.map((r, i) => ({ r, i })).sort((a, b) => rank(a.r.id) - rank(b.r.id) || a.i - b.i);
      return c.json({ recurringJobs: ordered.map(({ r }) => toRecurringJob(r)), dashboardUrl: DASHBOARD_URL, totalJobs: all.length }, 200);
    },
  );

  for (const t of TRIGGERS) {
    app.openapi(
      createRoute({
        method: "post",
        path: `${base}/${t.path}`,
        tags: ["Background jobs"],
        summary: t.summary,
        description: `Enqueues a \`${t.type}\` job; a free worker picks it up at once.`,
        security: adminSecurity,
        responses: {
          200: {
            description: "Queued",
            content: { "application/json": { schema: QueuedSchema, example: { message: t.message, jobId: "1044", dashboardUrl: DASHBOARD_URL } } },
          },
          ...guardedErrors,
          500: commonErrors[500],
        },
      }),
      async (c) => {
        const { jobId } = await rt.enqueue(t.type, null, { reason: "Triggered through the API" });
        return c.json({ message: t.message, jobId, dashboardUrl: DASHBOARD_URL }, 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: "post",
      path: `${base}/schedule-cleanup`,
      tags: ["Background jobs"],
      summary: "Schedule a one-off cleanup N minutes from now",
      security: adminSecurity,
      request: { query: DelayQuery },
      responses: {
        200: { description: "Scheduled", content: { "application/json": { schema: ScheduledSchema } } },
        400: {
          description: "delayMinutes missing, not a whole number, below 1 or above a year",
          content: {
            "application/json": {
              schema: commonErrors[400].content["application/json"].schema,
              example: { error: { code: "validation_error", message: delayMessage("-5"), field: "delayMinutes" } },
            },
          },
        },
        ...guardedErrors,
        500: commonErrors[500],
      },
    }),
    async (c) => {
      const { delayMinutes } = c.req.valid("query");
      const r = await rt.enqueue("cleanup", null, { delayMs: delayMinutes * 60_000, reason: `Scheduled through the API to run in ${delayMinutes} minute(s)` });
      return c.json(
        {
          message: `Cleanup job scheduled to run in ${delayMinutes} minute${delayMinutes === 1 ? "" : "s"}`,
          jobId: r.jobId,
          scheduledAt: iso(r.enqueueAt)!,
          delayMinutes,
          dashboardUrl: DASHBOARD_URL,
        },
        200,
      );
    },
  );

  return app;
}
