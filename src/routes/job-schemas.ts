// Jobs and recurring jobs as the API shows them: instants as ISO-8601 (UTC, plus the job's own
// zone where one applies), errors without stack traces (those stay in the Admin-only dashboard;
// a stack names files and lines a reader of an open endpoint has no need for).
import { JOB_STATES, type JobDetails, type JobSummary, MISFIRE_POLICIES, OVERLAP_POLICIES, type RecurringJob } from "../ledger/ledger.ts";
import { describeCron } from "../actors/runtime/cron-description.ts";
import { formatInZone } from "../actors/runtime/zoned-time.ts";
import { z } from "./openapi.ts";

export const DASHBOARD_URL = "/hangfire";

export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(Math.round(ms)).toISOString());

export const JobStateSchema = z.enum(JOB_STATES).openapi("JobState", { example: "Succeeded" });

const Instant = z.string().nullable().openapi({ format: "date-time", example: "2026-03-29T02:00:00.000Z" });

const JobErrorSchema = z
  .object({ type: z.string(), message: z.string() })
  .nullable()
  .openapi("JobError", { example: { type: "RangeError", message: "stock must not be negative" } });

export const JOB_SUMMARY_EXAMPLE = {
  id: "1042",
  type: "daily-analytics",
  queue: "default",
  state: "Succeeded",
  reason: null,
  attempt: 1,
  maxRetries: 10,
  createdAt: "2026-03-29T02:00:00.004Z",
  updatedAt: "2026-03-29T02:00:00.311Z",
  enqueueAt: null,
  startedAt: "2026-03-29T02:00:00.005Z",
  finishedAt: "2026-03-29T02:00:00.311Z",
  serverId: "host:4211:m1x2",
  recurringId: "daily-analytics",
  scheduledFor: "2026-03-29T02:00:00.000Z",
  progress: { percent: 100, message: null },
  error: null,
  durationMs: 306,
  latencyMs: 1,
  expiresAt: "2026-03-30T02:00:00.311Z",
  dashboardUrl: "/hangfire/jobs/details/1042",
};

export const JobSummarySchema = z
  .object({
    id: z.string(),
    type: z.string(),
    queue: z.string(),
    state: JobStateSchema,
    reason: z.string().nullable(),
    attempt: z.number().int().openapi({ description: "Executions started so far (1 = the first run)" }),
    maxRetries: z.number().int(),
    createdAt: Instant,
    updatedAt: Instant,
    enqueueAt: Instant.openapi({ description: "When a Scheduled job becomes Enqueued" }),
    startedAt: Instant,
    finishedAt: Instant,
    serverId: z.string().nullable(),
    recurringId: z.string().nullable(),
    scheduledFor: Instant,
    progress: z.object({ percent: z.number(), message: z.string().nullable() }).nullable(),
    error: JobErrorSchema,
    durationMs: z.number().nullable(),
    latencyMs: z.number().nullable(),
    expiresAt: Instant,
    dashboardUrl: z.string(),
  })
  .openapi("JobSummary", { example: JOB_SUMMARY_EXAMPLE });

export const JobDetailsSchema = JobSummarySchema.extend({
  args: z.unknown(),
  result: z.unknown(),
  history: z.array(
    z.object({
      state: JobStateSchema,
      reason: z.string().nullable(),
      at: Instant,
      data: z.record(z.string(), z.unknown()).nullable(),
    }),
  ),
  logs: z.array(z.object({ at: Instant, level: z.string(), message: z.string() })),
}).openapi("JobDetails", {
  example: {
    id: "1043",
    type: "cleanup",
    queue: "default",
    state: "Scheduled",
    reason: "Scheduled",
    attempt: 0,
    maxRetries: 10,
    createdAt: "2026-03-29T10:00:00.000Z",
    updatedAt: "2026-03-29T10:00:00.000Z",
    enqueueAt: "2026-03-29T11:00:00.000Z",
    startedAt: null,
    finishedAt: null,
    serverId: null,
    recurringId: null,
    scheduledFor: null,
    progress: null,
    error: null,
    durationMs: null,
    latencyMs: null,
    expiresAt: null,
    dashboardUrl: "/hangfire/jobs/details/1043",
    args: null,
    result: null,
    history: [{ state: "Scheduled", reason: "Scheduled", at: "2026-03-29T10:00:00.000Z", data: null }],
    logs: [],
  },
});

export function toJobSummary(j: JobSummary) {
  return {
    id: j.id,
    type: j.type,
    queue: j.queue,
    state: j.state,
    reason: j.reason,
    attempt: j.attempt,
    maxRetries: j.maxRetries,
    createdAt: iso(j.createdAt),
    updatedAt: iso(j.updatedAt),
    enqueueAt: iso(j.enqueueAt),
    startedAt: iso(j.startedAt),
    finishedAt: iso(j.finishedAt),
    serverId: j.serverId,
    recurringId: j.recurringId,
    scheduledFor: iso(j.scheduledFor),
    progress: j.progress == null ? null : { percent: j.progress, message: j.progressMessage },
    error: j.error ? { type: j.error.type, message: j.error.message } : null,
    durationMs: j.durationMs,
    latencyMs: j.latencyMs,
    expiresAt: iso(j.expiresAt),
    dashboardUrl: `${DASHBOARD_URL}/jobs/details/${encodeURIComponent(j.id)}`,
  };
}

/** State data without stack traces (an `error` keeps its type and message). */
function publicData(data: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!data) return null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (/^(stack|exceptionDetails)$/i.test(k)) continue;
    if (k === "error" && v && typeof v === "object") {
      const e = v as { type?: unknown; message?: unknown };
      out.error = { type: e.type, message: e.message };
    } else out[k] = v;
  }
  return out;
}

export function toJobDetails(j: JobDetails) {
  return {
    ...toJobSummary(j),
    args: j.args,
    result: j.result,
    history: j.history.map((h) => ({ state: h.state, reason: h.reason, at: iso(h.at), data: publicData(h.data) })),
    logs: j.logs.map((l) => ({ at: iso(l.at), level: l.level, message: l.message })),
  };
}

// ---- recurring jobs ------------------------------------------------------------------------------

export const MisfireSchema = z.enum(MISFIRE_POLICIES).openapi("MisfirePolicy", {
  description:
    "What a late scheduler does with missed occurrences: relaxed = run once, strict = run each, ignorable = skip those older than a minute",
});

export const OverlapSchema = z.enum(OVERLAP_POLICIES).openapi("OverlapPolicy", {
  description: "What a tick does while the last run has not finished (waiting, running, or waiting for a retry): allow = start another, skip = start none",
});

export const RECURRING_EXAMPLE = {
  id: "daily-analytics",
  name: "Daily Analytics Generation",
  schedule: "Daily at 2:00 AM UTC",
  cron: "0 2 * * *",
  type: "daily-analytics",
  timeZone: "UTC",
  misfire: "relaxed",
  overlap: "skip",
  enabled: true,
  nextExecution: "2026-03-30T02:00:00.000Z",
  nextExecutionLocal: "2026-03-30T02:00:00+00:00",
  lastExecution: "2026-03-29T02:00:00.000Z",
  lastJobId: "1042",
  lastJobState: "Succeeded",
  error: null,
  createdAt: "2026-03-01T09:12:44.120Z",
  updatedAt: "2026-03-29T02:00:00.004Z",
};

export const RecurringJobSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    schedule: z.string().openapi({ description: "The cron in plain words" }),
    cron: z.string(),
    type: z.string(),
    timeZone: z.string(),
    misfire: MisfireSchema,
    overlap: OverlapSchema,
    enabled: z.boolean(),
    nextExecution: Instant,
    nextExecutionLocal: z.string().nullable().openapi({ description: "nextExecution in the job's time zone, with its offset" }),
    lastExecution: Instant,
    lastJobId: z.string().nullable(),
    lastJobState: JobStateSchema.nullable(),
    error: z.string().nullable(),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi("RecurringJob", { example: RECURRING_EXAMPLE });

function scheduleText(r: RecurringJob): string {
  try {
    return describeCron(r.cron, r.timeZone);
  } catch {
    return r.cron; // a stored expression this version cannot read: show it as written
  }
}

export function toRecurringJob(r: RecurringJob) {
  return {
    // The seed's four first, in its order (users read this with curl).
    id: r.id,
    name: r.name,
    schedule: scheduleText(r),
    cron: r.cron,
    type: r.type,
    timeZone: r.timeZone,
    misfire: r.misfire,
    overlap: r.overlap,
    enabled: r.enabled,
    nextExecution: iso(r.nextExecution),
    nextExecutionLocal: r.nextExecution == null ? null : formatInZone(r.nextExecution, r.timeZone),
    lastExecution: iso(r.lastExecution),
    lastJobId: r.lastJobId,
    lastJobState: r.lastJobState,
    error: r.error,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
  };
}
