// The ledger's one interface: job history, retries, recurring-job state, servers, leases and
// counters. The SQLite implementation is the embedded default; a PostgreSQL one will follow, so
// nothing here is SQLite-specific: every "now" is a parameter, every write is a batch that commits
// atomically, and a cross-process wake-up is an event, not a query the caller polls.
import type { ErrorInfo } from "../errors.ts";

export const JOB_STATES = ["Enqueued", "Scheduled", "Processing", "Succeeded", "Failed", "Deleted"] as const;
export type JobState = (typeof JOB_STATES)[number];

export const MISFIRE_POLICIES = ["relaxed", "strict", "ignorable"] as const;
export type MisfirePolicy = (typeof MISFIRE_POLICIES)[number];
/**
 * What a recurring job's tick does while its last run has not finished (Enqueued, Scheduled for a
 * retry, or Processing): `allow` starts another run, as cron and Hangfire do; `skip` starts none
 * (the tick is recorded as processed, and the next one is looked at as usual).
 */
export const OVERLAP_POLICIES = ["allow", "skip"] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

export interface NewJob {
  type: string;
  args: unknown;
  queue?: string;
  /** "Enqueued" (runs now) or "Scheduled" (runs at enqueueAt). */
  state: "Enqueued" | "Scheduled";
  enqueueAt?: number;
  reason: string;
  maxRetries: number;
  /** Unique across the ledger: a second job with the same key is not created. */
  uniqueKey?: string;
  recurringId?: string;
  scheduledFor?: number;
}

/** One state change, applied only if the job's current state is one of `from`. */
export interface Transition {
  jobId: string;
  from: readonly JobState[];
  /** Fencing: applied only if the job is still this server's attempt (for completions). */
  fence?: { serverId: string; attempt: number };
  to: JobState;
  reason: string | null;
  at: number;
  /** To Enqueued: the attempt never started (its thread died first); give the attempt back. */
  releaseAttempt?: boolean;
  /** States passed through on the way, recorded in history first (Failed before a retry's Scheduled). */
  via?: { state: JobState; reason: string; data?: Record<string, unknown> }[];
  enqueueAt?: number; // to Scheduled
  result?: unknown; // to Succeeded
  error?: ErrorInfo; // to Failed, or via Failed
  durationMs?: number;
  /** Absent: the ledger's retention applies to Succeeded/Deleted; null keeps the job. */
  expiresAt?: number | null;
  data?: Record<string, unknown>;
}

export interface ProgressUpdate {
  jobId: string;
  percent: number;
  message: string | null;
}

export interface LogLine {
  jobId: string;
  at: number;
  level: "debug" | "info" | "warn" | "error";
  message: string;
}

/** Claim Enqueued jobs for this server: one per slot, oldest first. */
export interface ClaimRequest {
  serverId: string;
  /** Worker ids, one per job wanted. */
  slots: string[];
  leaseUntil: number;
  queues?: string[];
  /**
   * The requester knows of no older waiting work: Enqueued jobs this same batch creates are
   * claimed first, inserted straight as Processing (one row write instead of an insert, a queue
   * search and an update — what a lone enqueue on an idle server waits for). Older jobs still
   * come next for the slots left.
   */
  claimNew?: boolean;
  /**
   * Called with claimed jobs inside the transaction, before its commit, so the runtime can hand
   * them to idle workers while the commit lands (the pickup latency of an idle server); it may be
   * called more than once per write, each job once, together covering `claimed`. Whoever
   * receives them must not report them (events, API answers) before write() resolves; if write()
   * rejects, the claim never happened and they are withdrawn. Must not throw.
   */
  handOff?(jobs: ClaimedJob[]): void;
  /**
   * Called inside the transaction after the claim's queue search was handed off: those of `jobs`
   * that already ran and succeeded (short jobs finish within the commit). The ledger records them
   * Succeeded in this same commit instead of claiming them — one row write per job instead of two.
   * Only jobs passed here may be returned. Must not throw.
   */
  collectSuccesses?(jobs: ClaimedJob[]): Map<string, FastSuccess>;
}

/** A claimed job that succeeded before its claim committed (ClaimRequest.collectSuccesses). */
export interface FastSuccess {
  result: unknown;
  durationMs: number;
  /** When it finished (epoch ms). */
  at: number;
  /** Its last progress report, if any. */
  progress?: { percent: number; message: string | null };
}

export interface ClaimedJob {
  id: string;
  type: string;
  args: unknown;
  attempt: number; // this execution's number, 1-based
  maxRetries: number;
  createdAt: number;
  workerId: string;
  recurringId: string | null;
  scheduledFor: number | null;
}

/** Everything one group commit writes, atomically: jobs, progress, logs, transitions, then the claim. */
export interface WriteBatch {
  now: number;
  jobs?: NewJob[];
  transitions?: Transition[];
  progress?: ProgressUpdate[];
  logs?: LogLine[];
  claim?: ClaimRequest;
}

export interface WriteResult {
  /** Per NewJob: its id, and whether it was created (false: the unique key existed). */
  jobs: { id: string; created: boolean }[];
  /** Per transition: whether it applied (false: the job was not in an expected state). */
  applied: boolean[];
  claimed: ClaimedJob[];
  /** Ids of claimed jobs recorded Succeeded in the same commit (ClaimRequest.collectSuccesses). */
  completed?: string[];
}

export interface StateRecord {
  state: JobState;
  reason: string | null;
  at: number;
  data: Record<string, unknown> | null;
}

export interface JobSummary {
  id: string;
  type: string;
  queue: string;
  state: JobState;
  reason: string | null;
  attempt: number;
  maxRetries: number;
  createdAt: number;
  updatedAt: number;
  enqueueAt: number | null;
  startedAt: number | null;
  finishedAt: number | null;
  serverId: string | null;
  workerId: string | null;
  leaseUntil: number | null;
  recurringId: string | null;
  scheduledFor: number | null;
  progress: number | null;
  progressMessage: string | null;
  error: ErrorInfo | null;
  durationMs: number | null;
  latencyMs: number | null;
  expiresAt: number | null;
}

export interface JobDetails extends JobSummary {
  args: unknown;
  result: unknown;
  history: StateRecord[];
  logs: { at: number; level: string; message: string }[];
}

export interface JobQuery {
  state?: JobState;
  type?: string;
  /** Text in the id, type, arguments or error message. */
  q?: string;
  /** Keyset: jobs with id < before (newest first). */
  before?: string;
  /**
   * Only jobs with id > after. With `before`, a window of ids: filters no index serves (text,
   * attempt) then scan at most that many rows, however few of them match.
   */
  after?: string;
  /** Only jobs with attempt >= this (retries: Scheduled jobs that already ran). */
  minAttempt?: number;
  limit: number;
}

export interface RecurringJob {
  id: string;
  name: string;
  type: string;
  args: unknown;
  cron: string;
  timeZone: string;
  misfire: MisfirePolicy;
  overlap: OverlapPolicy;
  enabled: boolean;
  queue: string;
  createdAt: number;
  updatedAt: number;
  lastExecution: number | null;
  nextExecution: number | null;
  lastJobId: string | null;
  lastJobState: JobState | null;
  error: string | null;
}

export type RecurringDefinition = Pick<RecurringJob, "id" | "name" | "type" | "args" | "cron" | "timeZone" | "misfire"> & {
  enabled?: boolean;
  queue?: string;
  /** Default `allow`. */
  overlap?: OverlapPolicy;
};

export type RecurringPatch = Partial<Pick<RecurringJob, "cron" | "timeZone" | "misfire" | "overlap" | "enabled" | "name" | "args">> & {
  nextExecution?: number | null;
  error?: string | null;
};

/** One recurring tick: the jobs to create (unique keys make a repeat a no-op) and the new state. */
export interface RecurringFire {
  id: string;
  /** Applied only if the row still has this nextExecution (another leader may have moved it). */
  expectNext: number | null;
  jobs: NewJob[];
  lastExecution: number;
  nextExecution: number | null;
  /**
   * overlap "skip": create none of `jobs` while a job of this recurring job (a tick's or a trigger's)
   * is Enqueued, Scheduled or Processing; the schedule still moves. Decided in the same transaction.
   */
  skipIfUnfinished?: boolean;
}

/** What fireRecurring did: the jobs (a repeated tick's existing one included), or why none. */
export interface RecurringFired {
  jobIds: string[];
  created: number;
  /** The run still unfinished that made it create nothing (skipIfUnfinished). */
  unfinished?: { jobId: string; state: JobState };
}

export interface ServerInfo {
  id: string;
  hostname: string;
  pid: number;
  workerCount: number;
  queues: string[];
  startedAt: number;
  heartbeatAt: number;
  actors: unknown[];
}

export interface LeaseState {
  name: string;
  owner: string;
  expiresAt: number;
  token: number;
}

export interface Ledger {
  readonly kind: "sqlite" | "postgres";
  migrate(): Promise<void>;
  close(): Promise<void>;
  ping(): Promise<void>;

  /** One group commit. Nothing in it is visible or acknowledged before it is durable. */
  write(batch: WriteBatch): Promise<WriteResult>;

  getJob(id: string): Promise<JobDetails | null>;
  listJobs(query: JobQuery): Promise<JobSummary[]>;
  countByState(): Promise<Record<JobState, number>>;

  /** Scheduled jobs due at `now` become Enqueued; returns how many. */
  promoteDue(now: number, limit: number): Promise<number>;
  /** The earliest enqueueAt among Scheduled jobs. */
  nextScheduledAt(): Promise<number | null>;
  /**
   * Processing jobs whose lease lapsed before `now`: back to Enqueued (or Failed when their
   * retries are spent). Returns their ids.
   */
  recoverExpired(now: number, limit: number): Promise<string[]>;
  /** Extends the lease of every job this server is processing. */
  renewLeases(serverId: string, now: number, leaseUntil: number): Promise<number>;

  upsertRecurring(def: RecurringDefinition, now: number, nextExecution: number | null, keepUserChanges: boolean): Promise<void>;
  listRecurring(): Promise<RecurringJob[]>;
  getRecurring(id: string): Promise<RecurringJob | null>;
  updateRecurring(id: string, patch: RecurringPatch, now: number): Promise<RecurringJob | null>;
  removeRecurring(id: string): Promise<boolean>;
  /** Returns ids per job (created or existing), or null when expectNext no longer matched. */
  fireRecurring(fire: RecurringFire, now: number): Promise<RecurringFired | null>;

  registerServer(server: ServerInfo): Promise<void>;
  heartbeat(serverId: string, now: number, actors: unknown[]): Promise<boolean>;
  removeServer(serverId: string): Promise<void>;
  listServers(): Promise<ServerInfo[]>;
  /** Removes servers whose heartbeat is older than `before`. */
  removeDeadServers(before: number): Promise<string[]>;

  /** Takes or renews a named lease; returns the holder after the attempt. */
  acquireLease(name: string, owner: string, now: number, ttlMs: number): Promise<LeaseState>;
  releaseLease(name: string, owner: string): Promise<void>;
  getLease(name: string): Promise<LeaseState | null>;

  /** Adds to counters (statistics), creating them with an expiry. */
  incrementCounters(deltas: { key: string; delta: number; expiresAt: number | null }[]): Promise<void>;
  readCounters(keys: string[]): Promise<Record<string, number>>;

  /** Deletes expired jobs (with their history and logs) and counters; returns jobs deleted. */
  purgeExpired(now: number, limit: number): Promise<number>;

  /** Called when another process changed the ledger (new work, recurring edits). */
  onExternalChange(listener: () => void): () => void;
}
