// Recurring jobs by id: read one, trigger now, enable/disable (pause and resume, which Hangfire
// never had), and change cron, time zone and misfire policy. Every change is validated by the
// scheduler's own cron code, persisted in the ledger, and the next run recomputed from now.
import type { AppDeps } from "../app.ts";
import { MISFIRE_POLICIES, OVERLAP_POLICIES } from "../ledger/ledger.ts";
import { DASHBOARD_URL, RECURRING_EXAMPLE, RecurringJobSchema, toRecurringJob } from "./job-schemas.ts";
import { adminSecurity, commonErrors, createRoute, createRouter, guardedErrors, notFoundError, z } from "./openapi.ts";

const base = "/api/backgroundjobs/recurring-jobs";

const IdParam = z.object({
  id: z.string().min(1).max(100).openapi({ param: { name: "id", in: "path" }, example: "daily-analytics" }),
});

const PatchBody = z
  .strictObject(
    {
      cron: z
        .string({ error: "cron must be a string such as \"0 2 * * *\"" })
        .min(1, { error: "cron must not be empty" })
        .max(200, { error: "cron must be at most 200 characters" })
        .optional()
        .openapi({ example: "30 1 * * *", description: "5 fields (minute first) or 6 (second first), or a macro such as @daily" }),
      timeZone: z
        .string({ error: "timeZone must be an IANA zone name such as \"Europe/Berlin\"" })
        .min(1, { error: "timeZone must not be empty" })
        .max(64, { error: "timeZone must be at most 64 characters" })
        .optional()
        .openapi({ example: "Europe/Berlin" }),
      misfire: z
        .enum(MISFIRE_POLICIES, { error: (i) => `misfire must be relaxed, strict or ignorable; got ${JSON.stringify(i.input)}` })
        .optional(),
      overlap: z
        .enum(OVERLAP_POLICIES, { error: (i) => `overlap must be allow or skip; got ${JSON.stringify(i.input)}` })
        .optional()
        .openapi({ description: "skip: a tick starts no run while the last one has not finished (waiting, running, or waiting for a retry)" }),
      enabled: z.boolean({ error: "enabled must be true or false" }).optional(),
    },
    { error: (i) => (i.code === "unrecognized_keys" ? `${i.keys?.[0]} is not a field of a recurring job; expected cron, timeZone, misfire, overlap or enabled` : "the body must be a JSON object") },
  )
  .refine((b) => Object.keys(b).length > 0, { error: "the body must change at least one of cron, timeZone, misfire, overlap or enabled" })
  .openapi("RecurringJobPatch", { example: { cron: "30 1 * * *", timeZone: "Europe/Berlin", misfire: "relaxed" } });

const TriggeredSchema = z
  .object({ message: z.string(), jobId: z.string(), recurringJobId: z.string(), dashboardUrl: z.string() })
  .openapi("RecurringTriggered", {
    example: { message: "Recurring job daily-analytics triggered", jobId: "1046", recurringJobId: "daily-analytics", dashboardUrl: DASHBOARD_URL },
  });

const one = (description: string) => ({
  description,
  content: { "application/json": { schema: RecurringJobSchema, example: RECURRING_EXAMPLE } },
});

export function recurringJobRoutes(deps: AppDeps) {
  const app = createRouter();
  const rt = deps.runtime;

  app.openapi(
    createRoute({
      method: "get",
      path: `${base}/{id}`,
      tags: ["Recurring jobs"],
      summary: "One recurring job",
      request: { params: IdParam },
      responses: { 200: one("The recurring job"), 404: notFoundError("recurring job"), 500: commonErrors[500] },
    }),
    async (c) => c.json(toRecurringJob(await rt.getRecurring(c.req.valid("param").id)), 200),
  );

  app.openapi(
    createRoute({
      method: "post",
      path: `${base}/{id}/trigger`,
      tags: ["Recurring jobs"],
      summary: "Run a recurring job now, outside its schedule (its next run stays as it was)",
      security: adminSecurity,
      request: { params: IdParam },
      responses: {
        200: { description: "Queued", content: { "application/json": { schema: TriggeredSchema } } },
        404: notFoundError("recurring job"),
        ...guardedErrors,
        500: commonErrors[500],
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { jobId } = await rt.triggerRecurring(id);
      return c.json({ message: `Recurring job ${id} triggered`, jobId, recurringJobId: id, dashboardUrl: DASHBOARD_URL }, 200);
    },
  );

  for (const enabled of [true, false]) {
    app.openapi(
      createRoute({
        method: "post",
        path: `${base}/{id}/${enabled ? "enable" : "disable"}`,
        tags: ["Recurring jobs"],
        summary: enabled
          ? "Resume a recurring job: it runs from its next occurrence after now (missed ones are not made up)"
          : "Pause a recurring job: no run until it is enabled again",
        security: adminSecurity,
        request: { params: IdParam },
        responses: { 200: one(enabled ? "Enabled" : "Disabled"), 404: notFoundError("recurring job"), ...guardedErrors, 500: commonErrors[500] },
      }),
      async (c) => c.json(toRecurringJob(await rt.setRecurringEnabled(c.req.valid("param").id, enabled)), 200),
    );
  }

  app.openapi(
    createRoute({
      method: "patch",
      path: `${base}/{id}`,
      tags: ["Recurring jobs"],
      summary: "Change cron, time zone, misfire policy, overlap policy or enabled; the next run is recomputed from now",
      security: adminSecurity,
      request: {
        params: IdParam,
        body: { required: true, content: { "application/json": { schema: PatchBody } } },
      },
      responses: {
        200: one("The recurring job as changed"),
        400: {
          description: "An invalid cron, an unknown time zone, a misfire or overlap policy that doesn't exist, an unknown field or malformed JSON",
          content: {
            "application/json": {
              schema: commonErrors[400].content["application/json"].schema,
              example: {
                error: {
                  code: "validation_error",
                  message: "time zone \"Mars/Olympus\" is not an IANA zone name; expected e.g. \"Europe/Berlin\" or \"UTC\"",
                  field: "timeZone",
                },
              },
            },
          },
        },
        404: notFoundError("recurring job"),
        ...guardedErrors,
        500: commonErrors[500],
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const { enabled, ...schedule } = c.req.valid("json");
      let out = await rt.getRecurring(id);
      if (Object.keys(schedule).length) out = await rt.updateRecurring(id, schedule);
      if (enabled !== undefined && enabled !== out.enabled) out = await rt.setRecurringEnabled(id, enabled);
      return c.json(toRecurringJob(out), 200);
    },
  );

  return app;
}
