// The ledger's tables (SQLite dialect). drizzle-kit generates db/ledger/migrations/sqlite from this
// file; the runtime applies them at start-up. Times are integer ms since the epoch, passed in by
// the caller's clock — never the database's own clock.
import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const jobs = sqliteTable(
  "jobs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }), // AUTOINCREMENT: an expired job's id is never reused
    type: text("type").notNull(),
    queue: text("queue").notNull().default("default"),
    args: text("args").notNull().default("null"), // JSON
    state: text("state").notNull(), // Enqueued | Scheduled | Processing | Succeeded | Failed | Deleted
    reason: text("reason"),
    attempt: integer("attempt").notNull().default(0), // executions started
    maxRetries: integer("max_retries").notNull().default(10),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    enqueueAt: integer("enqueue_at"), // Scheduled: when it becomes Enqueued
    enqueuedAt: integer("enqueued_at"),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
    serverId: text("server_id"),
    workerId: text("worker_id"),
    leaseUntil: integer("lease_until"),
    uniqueKey: text("unique_key"), // recurring tick "recurring:<id>:<instant>"; unique
    recurringId: text("recurring_id"),
    scheduledFor: integer("scheduled_for"), // the cron instant a recurring run stands for
    progress: real("progress"),
    progressMessage: text("progress_message"),
    result: text("result"), // JSON
    errorType: text("error_type"),
    errorMessage: text("error_message"),
    errorStack: text("error_stack"),
    durationMs: real("duration_ms"),
    latencyMs: real("latency_ms"),
    expiresAt: integer("expires_at"),
  },
  (t) => [
    index("jobs_state_id").on(t.state, t.id),
    index("jobs_type_id").on(t.type, t.id),
    uniqueIndex("jobs_unique_key").on(t.uniqueKey).where(sql`unique_key IS NOT NULL`),
    index("jobs_scheduled_at").on(t.enqueueAt).where(sql`state = 'Scheduled'`),
    index("jobs_expires_at").on(t.expiresAt).where(sql`expires_at IS NOT NULL`),
    index("jobs_recurring").on(t.recurringId, t.id).where(sql`recurring_id IS NOT NULL`),
    // A recurring job's unfinished runs (overlap: skip) in three seeks, whatever its history.
    index("jobs_recurring_state").on(t.recurringId, t.state).where(sql`recurring_id IS NOT NULL`),
  ],
);

export const jobStates = sqliteTable(
  "job_states",
  {
    id: integer("id").primaryKey(),
    jobId: integer("job_id").notNull(),
    state: text("state").notNull(),
    reason: text("reason"),
    at: integer("at").notNull(),
    data: text("data"), // JSON: serverId, workerId, error, delay, duration…
  },
  (t) => [index("job_states_job").on(t.jobId, t.id)],
);

export const jobLogs = sqliteTable(
  "job_logs",
  {
    id: integer("id").primaryKey(),
    jobId: integer("job_id").notNull(),
    at: integer("at").notNull(),
    level: text("level").notNull(),
    message: text("message").notNull(),
  },
  (t) => [index("job_logs_job").on(t.jobId, t.id)],
);

export const recurringJobs = sqliteTable("recurring_jobs", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  type: text("type").notNull(),
  args: text("args").notNull().default("null"),
  cron: text("cron").notNull(),
  timeZone: text("time_zone").notNull().default("UTC"),
  misfire: text("misfire").notNull().default("relaxed"), // relaxed | strict | ignorable
  overlap: text("overlap").notNull().default("allow"), // allow | skip (a tick while the last run is unfinished)
  enabled: integer("enabled").notNull().default(1),
  queue: text("queue").notNull().default("default"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  lastExecution: integer("last_execution"), // the last cron instant processed
  nextExecution: integer("next_execution"),
  lastJobId: integer("last_job_id"),
  error: text("error"),
});

export const servers = sqliteTable("servers", {
  id: text("id").primaryKey(),
  hostname: text("hostname").notNull(),
  pid: integer("pid").notNull(),
  workerCount: integer("worker_count").notNull(),
  queues: text("queues").notNull().default('["default"]'),
  startedAt: integer("started_at").notNull(),
  heartbeatAt: integer("heartbeat_at").notNull(),
  actors: text("actors").notNull().default("[]"), // JSON snapshot of actor states
});

export const leases = sqliteTable("leases", {
  name: text("name").primaryKey(),
  owner: text("owner").notNull(),
  expiresAt: integer("expires_at").notNull(),
  token: integer("token").notNull().default(0), // fencing: bumped at every change of owner
});

export const counters = sqliteTable(
  "counters",
  {
    key: text("key").primaryKey(),
    value: integer("value").notNull().default(0),
    expiresAt: integer("expires_at"),
  },
  (t) => [index("counters_expires_at").on(t.expiresAt).where(sql`expires_at IS NOT NULL`)],
);
