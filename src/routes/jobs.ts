// Jobs: one job's full record, the list (filter, search, keyset pages newest first), requeue and
// delete. Pages are keyset, not offset: page 500 of a million jobs costs what page 1 does.
import type { AppDeps } from "../app.ts";
import { JOB_STATES, type JobState } from "../ledger/ledger.ts";
import { DASHBOARD_URL, JOB_SUMMARY_EXAMPLE, JobDetailsSchema, JobStateSchema, JobSummarySchema, toJobDetails, toJobSummary } from "./job-schemas.ts";
import { NotFoundError } from "../errors.ts";
import { adminSecurity, commonErrors, createRoute, createRouter, guardedErrors, notFoundError, z } from "./openapi.ts";

export const MAX_PAGE = 500;
const DEFAULT_PAGE = 50;
const base = "/api/backgroundjobs/jobs";

const CONTROL = /[\u0000-\u001f\u007f]/;
const stateByLowercase = new Map(JOB_STATES.map((s) => [s.toLowerCase(), s]));

const ListQuery = z.object({
  state: z
    .string()
    .optional()
    .refine((s) => s === undefined || stateByLowercase.has(s.toLowerCase()), {
      error: (i) => `state must be one of ${JOB_STATES.join(", ")}; got ${JSON.stringify(i.input)}`,
    })
    .transform((s) => (s === undefined ? undefined : (stateByLowercase.get(s.toLowerCase()) as JobState)))
    .openapi({ param: { name: "state", in: "query" }, enum: [...JOB_STATES], example: "Failed" }),
  type: z
    .string()
    .max(100, { error: "type must be at most 100 characters" })
    .refine((s) => !CONTROL.test(s), { error: "type must not contain control characters" })
    .optional()
    .openapi({ param: { name: "type", in: "query" }, example: "daily-analytics" }),
  q: z
    .string()
    .max(200, { error: "q must be at most 200 characters" })
    // SQLite would cut the pattern at a NUL and return everything matching what came before it.
    .refine((s) => !CONTROL.test(s), { error: "q must not contain control characters" })
    .optional()
    .openapi({ param: { name: "q", in: "query" }, description: "Text in the id, type, arguments, reason or error message", example: "timeout" }),
  cursor: z
    .string()
    .regex(/^(0|[1-9]\d{0,14})$/, { error: (i) => `cursor must be the nextCursor of a previous page (digits); got ${JSON.stringify(i.input)}` })
    .optional()
    .openapi({ param: { name: "cursor", in: "query" }, example: "1040" }),
  limit: z
    .string()
    .optional()
    .refine((s) => s === undefined || (/^\d{1,4}$/.test(s) && Number(s) >= 1 && Number(s) <= MAX_PAGE), {
      error: (i) => `limit must be a whole number from 1 to ${MAX_PAGE}; got ${JSON.stringify(i.input)}`,
    })
    .transform((s) => (s === undefined ? DEFAULT_PAGE : Number(s)))
    .openapi({ param: { name: "limit", in: "query" }, type: "integer", minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE }),
});

const IdParam = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" }, example: "1042" }),
});

const JobListSchema = z
  .object({
    jobs: z.array(JobSummarySchema),
    nextCursor: z.string().nullable().openapi({ description: "Pass as ?cursor= for the next (older) page; null on the last page" }),
    limit: z.number().int(),
  })
  .openapi("JobList", {
    example: { jobs: [JOB_SUMMARY_EXAMPLE], nextCursor: "1042", limit: 1 },
  });

const JobCommandSchema = z
  .object({ message: z.string(), jobId: z.string(), state: JobStateSchema, dashboardUrl: z.string() })
  .openapi("JobCommandResult", { example: { message: "Job 1042 requeued", jobId: "1042", state: "Enqueued", dashboardUrl: "/hangfire/jobs/details/1042" } });

const conflict = {
  description: "The job's state does not allow this (e.g. requeueing a running job)",
  content: {
    "application/json": {
      schema: commonErrors[400].content["application/json"].schema,
      example: { error: { code: "conflict", message: "job 1042 is running; delete it first or wait" } },
    },
  },
};

export function jobRoutes(deps: AppDeps) {
  const app = createRouter();
  const rt = deps.runtime;

  app.openapi(
    createRoute({
      method: "get",
      path: base,
      tags: ["Jobs"],
      summary: "Jobs, newest first: filter by state and type, search text, page with cursor",
      request: { query: ListQuery },
      responses: {
        200: { description: "One page of jobs", content: { "application/json": { schema: JobListSchema } } },
        400: commonErrors[400],
        500: commonErrors[500],
      },
    }),
    async (c) => {
      const { state, type, q, cursor, limit } = c.req.valid("query");
      const rows = await rt.listJobs({ state, type: type || undefined, q: q || undefined, before: cursor, limit: limit + 1 });
      const page = rows.slice(0, limit);
      const nextCursor = rows.length > limit ? page[page.length - 1].id : null;
      return c.json({ jobs: page.map(toJobSummary), nextCursor, limit }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: `${base}/{id}`,
      tags: ["Jobs"],
      summary: "One job: state, history, progress, result, error, attempts and its log",
      request: { params: IdParam },
      responses: {
        200: { description: "The job", content: { "application/json": { schema: JobDetailsSchema } } },
        404: notFoundError("job"),
        500: commonErrors[500],
      },
    }),
    async (c) => {
      const { id } = c.req.valid("param");
      const job = await rt.getJob(id);
      if (!job) throw new NotFoundError("job", id);
      return c.json(toJobDetails(job), 200);
    },
  );

  // Requeue and delete: the same shape of command, told apart by what they do to the job.
  const command = (o: { method: "post" | "delete"; path: string; summary: string; done: string; state: "Enqueued" | "Deleted"; run: (id: string) => Promise<void> }) =>
    app.openapi(
      createRoute({
        method: o.method,
        path: o.path,
        tags: ["Jobs"],
        summary: o.summary,
        security: adminSecurity,
        request: { params: IdParam },
        responses: {
          200: { description: o.done, content: { "application/json": { schema: JobCommandSchema } } },
          404: notFoundError("job"),
          409: conflict,
          ...guardedErrors,
          500: commonErrors[500],
        },
      }),
      async (c) => {
        const { id } = c.req.valid("param");
        await o.run(id);
        const message = `Job ${id} ${o.done.toLowerCase()}`;
        return c.json({ message, jobId: id, state: o.state, dashboardUrl: `${DASHBOARD_URL}/jobs/details/${encodeURIComponent(id)}` }, 200);
      },
    );
  command({
    method: "post",
    path: `${base}/{id}/requeue`,
    summary: "Run a job again: Scheduled, Succeeded, Failed or Deleted back to Enqueued",
    done: "Requeued",
    state: "Enqueued",
    run: (id) => rt.requeue(id, "Requeued through the API"),
  });
  command({
    method: "delete",
    path: `${base}/{id}`,
    summary: "Delete a job (a running one is asked to stop; it expires like any deleted job)",
    done: "Deleted",
    state: "Deleted",
    run: (id) => rt.delete(id, "Deleted through the API"),
  });

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/backgroundjobs/stats",
      tags: ["Jobs"],
      summary: "How many jobs are in each state (live counts, not all-time totals)",
      responses: {
        200: {
          description: "Counts by state",
          content: {
            "application/json": {
              schema: z.object({ byState: z.record(z.string(), z.number().int()), recurringJobs: z.number().int(), leader: z.boolean() }).openapi("JobStats"),
              example: { byState: { Enqueued: 0, Scheduled: 1, Processing: 2, Succeeded: 120, Failed: 1, Deleted: 3 }, recurringJobs: 5, leader: true },
            },
          },
        },
        500: commonErrors[500],
      },
    }),
    async (c) => {
      const [byState, recurring] = await Promise.all([rt.countByState(), rt.listRecurring()]);
      return c.json({ byState, recurringJobs: recurring.length, leader: rt.isLeader }, 200);
    },
  );

  return app;
}

