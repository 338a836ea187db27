// The embedded ledger: one SQLite file in WAL mode, shared safely by several processes
// (BEGIN IMMEDIATE serialises writers; busy_timeout absorbs contention). Hand-written SQL on
// prepared statements: this is the runtime's hot path, measured in npm run bench; the schema and
// migrations come from drizzle (db/ledger).
import type { Clock, TimerHandle } from "../actors/runtime/clock.ts";
import type { ErrorInfo } from "../errors.ts";
import { projectPath } from "../paths.ts";
import { migrateSqlite } from "../sqlite/migrate.ts";
import { type Database, openDatabase, type SqlValue } from "../sqlite/sqlite.ts";
import type {
  ClaimedJob,
  ClaimRequest,
  FastSuccess,
  JobDetails,
  JobQuery,
  JobState,
  JobSummary,
  LeaseState,
  Ledger,
  NewJob,
  RecurringDefinition,
  RecurringFire,
  RecurringFired,
  RecurringJob,
  RecurringPatch,
  ServerInfo,
  Transition,
  WriteBatch,
  WriteResult,
} from "./ledger.ts";
import { JOB_STATES } from "./ledger.ts";
import { statCounterDeltas } from "./stat-counters.ts";
import { type CheckpointStats, OnDemandCheckpointer } from "./wal-checkpointer.ts";

export interface SqliteLedgerOptions {
  path: string;
  clock: Clock;
  /** Succeeded and Deleted jobs expire this long after finishing. */
  retentionMs: number;
  /** How often to look for commits by other processes (PRAGMA data_version; no disk read). */
  externalChangePollMs?: number;
  /**
   * The WAL checkpoint thread's entry module (see wal-checkpointer.ts). Absent: SQLite's
   * auto-checkpoint runs inside commits, on the committing thread.
   */
  checkpointerEntryUrl?: string;
  /** Job rows written between two nudges of the checkpoint thread (default 2,000). */
  checkpointAfterRows?: number;
}

type Row = Record<string, unknown>;

/** Slots of a claim given to jobs as they are inserted (ClaimRequest.claimNew). */
interface DirectClaim {
  claim: ClaimRequest;
  next: number;
  claimed: ClaimedJob[];
  /** Handed off before its row was written (a lone new job: see #insertJob). */
  handedOff: boolean;
}

const SUMMARY_COLUMNS = `id, type, queue, state, reason, attempt, max_retries, created_at, updated_at, enqueue_at,
  started_at, finished_at, server_id, worker_id, lease_until, recurring_id, scheduled_for, progress,
  progress_message, error_type, error_message, error_stack, duration_ms, latency_ms, expires_at`;

export class SqliteLedger implements Ledger {
  readonly kind = "sqlite" as const;
  #db: Database;
  #opts: Required<SqliteLedgerOptions>;
  #listeners = new Set<() => void>();
  #pollTimer: TimerHandle | null = null;
  #dataVersion = 0;
  #closed = false;
  #checkpoints: OnDemandCheckpointer | null = null;

  private constructor(db: Database, opts: Required<SqliteLedgerOptions>) {
    this.#db = db;
    this.#opts = opts;
  }

  static async open(options: SqliteLedgerOptions): Promise<SqliteLedger> {
    const db = await openDatabase(options.path);
    const ledger = new SqliteLedger(db, { externalChangePollMs: 100, checkpointerEntryUrl: "", checkpointAfterRows: 2_000, ...options });
    await ledger.migrate();
    if (options.checkpointerEntryUrl) {
      ledger.#checkpoints = new OnDemandCheckpointer({
        entryUrl: options.checkpointerEntryUrl,
        path: options.path,
        clock: options.clock,
        afterRows: ledger.#opts.checkpointAfterRows,
        setAutoCheckpoint: (pages) => db.exec(`PRAGMA wal_autocheckpoint = ${pages}`),
      });
    }
    return ledger;
  }

  /** The checkpoint thread: whether it runs now, checkpoints it ran so far, its last error. */
  checkpointStats(): CheckpointStats {
    return this.#checkpoints?.stats() ?? { running: false, checkpoints: 0, lastError: null };
  }

  /** Resolves when the checkpoint thread has started (if asked to) and has nothing to do. */
  async settleCheckpoints(): Promise<void> {
    await this.#checkpoints?.settle();
  }

  /** Fault injection: terminates the checkpoint thread as a crash would. */
  async killCheckpointerForTests(): Promise<void> {
    await this.#checkpoints?.kill();
  }

  migrate(): Promise<void> {
    migrateSqlite(this.#db, projectPath("db", "ledger", "migrations", "sqlite"));
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.#pollTimer) this.#opts.clock.clearTimeout(this.#pollTimer);
      this.#listeners.clear();
      await this.#checkpoints?.close();
      this.#db.close();
    }
  }

  ping(): Promise<void> {
    this.#db.prepare("SELECT 1").get();
    return Promise.resolve();
  }

  // ---------------------------------------------------------------- group commit

  write(batch: WriteBatch): Promise<WriteResult> {
    try {
      const result = this.#tx((tx) => this.#writeInTx(tx, batch));
      this.#checkpoints?.written(result.jobs.length + result.applied.length + result.claimed.length);
      return Promise.resolve(result);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * One transaction. History rows and state-count deltas are collected while it runs and written
   * at its end with multi-row statements: per-row statements are what the hot path pays for.
   */
  #tx<T>(fn: (tx: TxWork) => T): T {
    return this.#db.transaction(() => {
      const tx: TxWork = { history: [], counts: new Map(), finished: [] };
      const out = fn(tx);
      this.#flushHistory(tx.history);
      for (const [state, delta] of tx.counts) if (delta) this.#db.prepare("UPDATE state_counts SET n = n + ? WHERE state = ?").run(delta, state);
      if (tx.finished.length) this.#incrementInTx(statCounterDeltas(tx.finished));
      return out;
    });
  }

  #writeInTx(tx: TxWork, batch: WriteBatch): WriteResult {
    const now = batch.now;
    const result: WriteResult = { jobs: [], applied: [], claimed: [] };
    const claim = batch.claim && batch.claim.slots.length ? batch.claim : null;
    // New jobs claimed as they are inserted take the first slots (see ClaimRequest.claimNew).
    const direct: DirectClaim | null = claim?.claimNew ? { claim, next: 0, claimed: [], handedOff: false } : null;
    const jobs = batch.jobs ?? [];
    for (const job of jobs) result.jobs.push(this.#insertJob(tx, job, now, direct, jobs.length === 1));
    // Handed off at once: a lone enqueue on an idle server waits for nothing else.
    if (direct?.claimed.length && !direct.handedOff) claim!.handOff?.(direct.claimed);
    // Progress and logs first: a job's last report and its completion often share a commit.
    if (batch.progress?.length) {
      const st = this.#db.prepare("UPDATE jobs SET progress = ?, progress_message = ? WHERE id = ? AND state = 'Processing'");
      for (const p of batch.progress) st.run(p.percent, p.message, Number(p.jobId));
    }
    if (batch.logs?.length) {
      const st = this.#db.prepare("INSERT INTO job_logs (job_id, at, level, message) VALUES (?, ?, ?, ?)");
      for (const l of batch.logs) st.run(Number(l.jobId), Math.round(l.at), l.level, l.message);
    }
    const transitions = batch.transitions ?? [];
    result.applied = new Array(transitions.length).fill(false);
    // In batch order: a later transition of a job (a delete from the dashboard, a second
    // completion of the same attempt) must see what an earlier one did.
    transitions.forEach((t, i) => {
      result.applied[i] = isPlainSuccess(t) ? this.#completeSuccess(tx, t) : this.#applyTransition(tx, t);
    });
    if (claim) {
      const taken = direct?.next ?? 0;
      const completed: string[] = [];
      const rest = taken < claim.slots.length ? this.#claimInTx(tx, taken ? { ...claim, slots: claim.slots.slice(taken) } : claim, now, completed) : [];
      result.claimed = direct ? direct.claimed.concat(rest) : rest;
      if (completed.length) result.completed = completed;
    }
    return result;
  }

  #insertJob(tx: TxWork, job: NewJob, now: number, direct: DirectClaim | null, alone: boolean): { id: string; created: boolean } {
    const at = Math.round(now);
    const queue = job.queue ?? "default";
    const queues = direct?.claim.queues;
    const claimable = !!direct && job.state === "Enqueued" && direct.next < direct.claim.slots.length && (!queues?.length || queues.includes(queue));
    const slot = claimable ? direct!.claim.slots[direct!.next] : null;
    const args = JSON.stringify(job.args ?? null);
    const claimedAs = (id: number): ClaimedJob => ({
      id: String(id),
      type: job.type,
      args: JSON.parse(args),
      attempt: 1,
      maxRetries: job.maxRetries,
      createdAt: at,
      workerId: slot!,
      recurringId: job.recurringId ?? null,
      scheduledFor: job.scheduledFor ?? null,
    });
    // A lone new job claimed as it is inserted (an enqueue on an idle server) goes to its worker
    // before its row is written: the pickup then waits for neither the INSERT nor its indexes. Its
    // id is known, as this transaction holds the write lock; without a unique key nothing can make
    // the INSERT a no-op. It is still reported only once the commit lands.
    let early: number | null = null;
    if (slot && alone && !job.uniqueKey && direct!.claim.handOff) {
      early = (this.#db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'jobs'").get<{ seq: number }>()?.seq ?? 0) + 1;
      direct!.handedOff = true;
      direct!.claim.handOff([claimedAs(early)]);
    }
    const r = this.#db
      .prepare(
        `INSERT INTO jobs (id, type, queue, args, state, reason, max_retries, created_at, updated_at, enqueue_at,
           enqueued_at, unique_key, recurring_id, scheduled_for, attempt, server_id, worker_id, lease_until, started_at, latency_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL DO NOTHING`,
      )
      .run(
        early,
        job.type,
        queue,
        args,
        slot ? "Processing" : job.state,
        slot ? null : job.reason,
        job.maxRetries,
        at,
        at,
        job.state === "Scheduled" ? Math.round(job.enqueueAt ?? at) : null,
        job.state === "Enqueued" ? at : null,
        job.uniqueKey ?? null,
        job.recurringId ?? null,
        job.scheduledFor ?? null,
        slot ? 1 : 0,
        slot ? direct!.claim.serverId : null,
        slot,
        slot ? Math.round(direct!.claim.leaseUntil) : null,
        slot ? at : null,
        slot ? 0 : null,
      );
    if (r.changes === 0) {
      const existing = this.#db.prepare("SELECT id FROM jobs WHERE unique_key = ?").get<{ id: number }>(job.uniqueKey!);
      return { id: String(existing!.id), created: false };
    }
    const id = Number(r.lastInsertRowid);
    if (early !== null && id !== early) throw new Error(`job ${early} was handed off, but its row was written as ${id}`); // aborts the claim: withdrawn
    count(tx, slot ? "Processing" : job.state, 1);
    const data = job.state === "Scheduled" ? { enqueueAt: job.enqueueAt } : null;
    // A job claimed as it is inserted keeps its Enqueued record; its Processing one is the row (held).
    tx.history.push([id, job.state, job.reason, at, data ? JSON.stringify(data) : null]);
    if (slot) {
      direct!.next++;
      direct!.claimed.push(claimedAs(id));
    }
    return { id: String(id), created: true };
  }

  #flushHistory(rows: HistoryRow[]) {
    let i = 0;
    for (const size of [256, 64, 16, 4, 1]) {
      if (rows.length - i < size) continue;
      const st = this.#db.prepare(`INSERT INTO job_states (job_id, state, reason, at, data) VALUES ${Array(size).fill("(?, ?, ?, ?, ?)").join(", ")}`);
      while (rows.length - i >= size) {
        st.run(...rows.slice(i, i + size).flat());
        i += size;
      }
    }
  }

  /** Processing → Succeeded, fenced by server and attempt, in one row write. */
  #completeSuccess(tx: TxWork, t: Transition): boolean {
    // A plain UPDATE, fenced by server and attempt: cheaper in SQLite than one UPDATE … FROM
    // VALUES … RETURNING over the batch (measured), and `changes` says if it applied.
    // No history rows: the attempt's Processing and Succeeded records are the job row itself
    // until the job leaves Succeeded (see #heldRecords), which saves two rows on every job.
    const id = toId(t.jobId);
    if (id === null) return false;
    const at = Math.round(t.at);
    const expires = t.expiresAt === undefined ? at + this.#opts.retentionMs : t.expiresAt;
    const result = t.result === undefined ? null : safeJson(t.result);
    const r = this.#db
      .prepare(
        `UPDATE jobs SET state = 'Succeeded', reason = ?, updated_at = ?, finished_at = ?, result = ?, duration_ms = ?, lease_until = NULL,
           expires_at = ?, progress = COALESCE(progress, 100)
         WHERE id = ? AND state = 'Processing' AND attempt = ? AND server_id = ?`,
      )
      .run(t.reason, at, at, result, t.durationMs ?? null, expires, id, t.fence!.attempt, t.fence!.serverId);
    if (r.changes === 0) return false;
    tx.finished.push({ to: "Succeeded", at: t.at });
    count(tx, "Processing", -1);
    count(tx, "Succeeded", 1);
    return true;
  }

  #applyTransition(tx: TxWork, t: Transition): boolean {
    // Ids as getJob reads them: "1.0", "01" or "0x1" name no job (Number() would make them job 1).
    const id = toId(t.jobId);
    if (id === null) return false;
    const at = Math.round(t.at);
    // With several allowed states the one it leaves must be read, for the state counts.
    const old =
      t.from.length === 1
        ? t.from[0]
        : (this.#db.prepare("SELECT state FROM jobs WHERE id = ?").get<{ state: JobState }>(id)?.state ?? null);
    if (old === null || !t.from.includes(old)) return false;
    const held = this.#heldRecords(tx, id, old);
    const { set, params } = this.#setClause(t, at);
    const guard = "state = ?" + (t.fence ? " AND server_id = ? AND attempt = ?" : "");
    const guardParams: SqlValue[] = [old];
    if (t.fence) guardParams.push(t.fence.serverId, t.fence.attempt);
    const r = this.#db
      .prepare(`UPDATE jobs SET state = ?, reason = ?, updated_at = ?, ${set} WHERE id = ? AND ${guard}`)
      .run(t.to, t.reason, at, ...params, id, ...guardParams);
    if (r.changes === 0) return false;
    count(tx, old, -1);
    count(tx, t.to, 1);
    tx.history.push(...held);
    for (const v of t.via ?? []) {
      const data = v.state === "Failed" && t.error ? { ...v.data, error: stored(t.error) } : v.data;
      tx.history.push([id, v.state, v.reason, at, data ? JSON.stringify(data) : null]);
      tx.finished.push({ to: v.state, at });
    }
    const data = this.#stateData(t);
    tx.history.push([id, t.to, t.reason, at, data ? JSON.stringify(data) : null]);
    tx.finished.push({ to: t.to, at });
    return true;
  }

  #stateData(t: Transition): Record<string, unknown> | null {
    const d: Record<string, unknown> = { ...t.data };
    if (t.enqueueAt !== undefined) d.enqueueAt = t.enqueueAt;
    if (t.durationMs !== undefined) d.durationMs = t.durationMs;
    if (t.to === "Failed" && t.error) d.error = stored(t.error);
    return Object.keys(d).length ? d : null;
  }

  /** Columns each target state sets; the rest stay as they were (errors stay visible on retry). */
  #setClause(t: Transition, at: number): { set: string; params: SqlValue[] } {
    const retention = t.expiresAt === undefined ? at + this.#opts.retentionMs : t.expiresAt;
    const err = (e: ErrorInfo | undefined): SqlValue[] => [e?.type ?? null, e?.message ?? null, e?.stack ?? null];
    switch (t.to) {
      case "Enqueued":
        return {
          set:
            "enqueued_at = ?, enqueue_at = NULL, server_id = NULL, worker_id = NULL, lease_until = NULL, expires_at = NULL, finished_at = NULL" +
            (t.releaseAttempt ? ", attempt = MAX(attempt - 1, 0)" : ""),
          params: [at],
        };
      case "Scheduled": {
        const viaError = t.error && t.via?.some((v) => v.state === "Failed");
        return {
          set:
            "enqueue_at = ?, server_id = NULL, worker_id = NULL, lease_until = NULL, expires_at = NULL" +
            (viaError ? ", error_type = ?, error_message = ?, error_stack = ?" : ""),
          params: viaError ? [Math.round(t.enqueueAt ?? at), ...err(t.error)] : [Math.round(t.enqueueAt ?? at)],
        };
      }
      case "Succeeded":
        return {
          set: "finished_at = ?, result = ?, duration_ms = ?, lease_until = NULL, expires_at = ?, progress = COALESCE(progress, 100)",
          params: [at, t.result === undefined ? null : safeJson(t.result), t.durationMs ?? null, retention],
        };
      case "Failed":
        return {
          set: "finished_at = ?, error_type = ?, error_message = ?, error_stack = ?, duration_ms = COALESCE(?, duration_ms), lease_until = NULL, expires_at = ?",
          params: [at, ...err(t.error), t.durationMs ?? null, t.expiresAt === undefined ? null : t.expiresAt],
        };
      case "Deleted": {
        // A job deleted because its retries ran out keeps the error it failed with.
        const viaError = t.error && t.via?.some((v) => v.state === "Failed");
        return {
          set: "finished_at = ?, lease_until = NULL, enqueue_at = NULL, expires_at = ?" + (viaError ? ", error_type = ?, error_message = ?, error_stack = ?, duration_ms = COALESCE(?, duration_ms)" : ""),
          params: viaError ? [at, retention, ...err(t.error), t.durationMs ?? null] : [at, retention],
        };
      }
      case "Processing":
        throw new Error("Processing is entered by claim(), not by a transition");
    }
  }

  #claimInTx(tx: TxWork, claim: ClaimRequest, now: number, completed: string[]): ClaimedJob[] {
    const at = Math.round(now);
    const queues = claim.queues?.length ? claim.queues : null;
    // The oldest rows, read whole, then a plain UPDATE per row: this transaction holds the write
    // lock, so nothing changes in between, and UPDATE … RETURNING costs SQLite twice as much.
    const rows = this.#db
      .prepare(
        `SELECT id, type, args, attempt, max_retries, created_at, recurring_id, scheduled_for FROM jobs
         WHERE state = 'Enqueued'${queues ? ` AND queue IN (${queues.map(() => "?").join(", ")})` : ""} ORDER BY id LIMIT ?`,
      )
      .values(...(queues ?? []), claim.slots.length) as [number, string, string, number, number, number, string | null, number | null][];
    if (!rows.length) return [];
    const jobs: ClaimedJob[] = rows.map(([id, type, args, attempt, maxRetries, createdAt, recurringId, scheduledFor], i) => ({
      id: String(id),
      type,
      args: JSON.parse(args),
      attempt: attempt + 1,
      maxRetries,
      createdAt,
      workerId: claim.slots[i],
      recurringId,
      scheduledFor,
    }));
    // Handed off before the row writes: the workers run while this transaction goes on, and what
    // already succeeded is written once, as Succeeded, instead of claimed now and completed later.
    claim.handOff?.(jobs);
    const done = claim.collectSuccesses?.(jobs);
    const update = this.#db.prepare(
      `UPDATE jobs SET state = 'Processing', reason = NULL, attempt = ?, server_id = ?, worker_id = ?, lease_until = ?,
         started_at = ?, updated_at = ?, latency_ms = ? - created_at, progress = NULL, progress_message = NULL WHERE id = ?`,
    );
    const leaseUntil = Math.round(claim.leaseUntil);
    let processing = 0;
    // No history row: an attempt's Processing record is the job row itself until the attempt
    // ends other than in success (see #heldRecords), which saves a row on every job.
    for (const job of jobs) {
      const success = done?.get(job.id);
      if (success) {
        this.#succeedClaimed(tx, job, claim.serverId, at, success);
        completed.push(job.id);
      } else {
        update.run(job.attempt, claim.serverId, job.workerId, leaseUntil, at, at, at, Number(job.id));
        processing++;
      }
    }
    count(tx, "Enqueued", -jobs.length);
    count(tx, "Processing", processing);
    count(tx, "Succeeded", jobs.length - processing);
    return jobs;
  }

  /** Enqueued → Succeeded in one row write; the row holds its Processing and Succeeded records. */
  #succeedClaimed(tx: TxWork, job: ClaimedJob, serverId: string, startedAt: number, s: FastSuccess) {
    const at = Math.max(startedAt, Math.round(s.at));
    this.#db
      .prepare(
        `UPDATE jobs SET state = 'Succeeded', reason = NULL, attempt = ?, server_id = ?, worker_id = ?, lease_until = NULL,
           started_at = ?, finished_at = ?, updated_at = ?, latency_ms = ? - created_at, duration_ms = ?, result = ?,
           expires_at = ?, progress = ?, progress_message = ? WHERE id = ?`,
      )
      .run(
        job.attempt,
        serverId,
        job.workerId,
        startedAt,
        at,
        at,
        startedAt,
        s.durationMs,
        s.result === undefined ? null : safeJson(s.result),
        at + this.#opts.retentionMs,
        s.progress?.percent ?? 100,
        s.progress?.message ?? null,
        Number(job.id),
      );
    tx.finished.push({ to: "Succeeded", at });
  }

  /**
   * The records a job row holds instead of history rows: a running attempt's Processing record;
   * a fast success's Processing and Succeeded records. They go to the history when the job
   * leaves that state, read before the row changes, so the history stays in order.
   */
  #heldRecords(tx: TxWork, id: number, old: JobState): HistoryRow[] {
    if (old !== "Processing" && old !== "Succeeded") return [];
    const r = this.#db.prepare(`SELECT ${HELD_COLUMNS} FROM jobs WHERE id = ?`).get<Row>(id);
    if (!r) return [];
    // The last record already kept: this transaction's own rows are written at its end.
    const pending = tx.history.findLast((h) => h[0] === id);
    const last = pending ?? (this.#db.prepare("SELECT job_id, state, reason, at, data FROM job_states WHERE job_id = ? ORDER BY id DESC LIMIT 1").values(id)[0] as HistoryRow | undefined);
    return heldRecords(id, r, last);
  }

  // ---------------------------------------------------------------- reads

  getJob(id: string): Promise<JobDetails | null> {
    const n = toId(id);
    if (n === null) return Promise.resolve(null);
    // One snapshot: the row decides which records it still holds, the history what is kept.
    const read = this.#db.snapshot(() => {
      const row = this.#db.prepare(`SELECT ${SUMMARY_COLUMNS}, args, result FROM jobs WHERE id = ?`).get<Row>(n);
      const stored = row ? (this.#db.prepare("SELECT job_id, state, reason, at, data FROM job_states WHERE job_id = ? ORDER BY id").values(n) as HistoryRow[]) : [];
      return { row, stored };
    });
    const { row, stored } = read;
    if (!row) return Promise.resolve(null);
    const history = [...stored, ...heldRecords(n, row, stored.at(-1))].map(([, state, reason, at, data]) => ({
      state,
      reason,
      at,
      data: data ? JSON.parse(data) : null,
    }));
    // The newest 1,000 lines: a chatty job must not make its page unreadable or slow.
    const logs = this.#db
      .prepare("SELECT at, level, message FROM (SELECT id, at, level, message FROM job_logs WHERE job_id = ? ORDER BY id DESC LIMIT 1000) ORDER BY id")
      .all<{ at: number; level: string; message: string }>(n);
    return Promise.resolve({
      ...toSummary(row),
      args: JSON.parse(row.args as string),
      result: row.result == null ? null : JSON.parse(row.result as string),
      history,
      logs,
    });
  }

  listJobs(query: JobQuery): Promise<JobSummary[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (query.state) (where.push("state = ?"), params.push(query.state));
    if (query.type) (where.push("type = ?"), params.push(query.type));
    if (query.before !== undefined) {
      const b = toId(query.before);
      if (b !== null) (where.push("id < ?"), params.push(b));
    }
    if (query.after !== undefined) {
      const a = toId(query.after);
      if (a !== null) (where.push("id > ?"), params.push(a));
    }
    if (query.minAttempt !== undefined) (where.push("attempt >= ?"), params.push(query.minAttempt));
    if (query.q) {
      const like = `%${query.q.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
      const exact = toId(query.q);
      where.push(
        `(${exact !== null ? "id = ? OR " : ""}type LIKE ? ESCAPE '\\' OR args LIKE ? ESCAPE '\\' OR error_message LIKE ? ESCAPE '\\' OR reason LIKE ? ESCAPE '\\')`,
      );
      if (exact !== null) params.push(exact);
      params.push(like, like, like, like);
    }
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM jobs ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY id DESC LIMIT ?`;
    return Promise.resolve(this.#db.prepare(sql).all<Row>(...params, query.limit).map(toSummary));
  }

  countByState(): Promise<Record<JobState, number>> {
    const out = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
    for (const r of this.#db.prepare("SELECT state, n FROM state_counts").all<{ state: JobState; n: number }>()) out[r.state] = r.n;
    return Promise.resolve(out);
  }

  // ---------------------------------------------------------------- delayed jobs, leases of jobs

  promoteDue(now: number, limit: number): Promise<number> {
    const at = Math.round(now);
    return Promise.resolve(
      this.#tx((tx) => {
        const ids = this.#db
          .prepare("SELECT id FROM jobs WHERE state = 'Scheduled' AND enqueue_at <= ? ORDER BY enqueue_at, id LIMIT ?")
          .values(at, limit) as [number][];
        let n = 0;
        for (const [id] of ids) {
          if (this.#applyTransition(tx, { jobId: String(id), from: ["Scheduled"], to: "Enqueued", reason: "Triggered by DelayedJobScheduler", at })) n++;
        }
        return n;
      }),
    );
  }

  nextScheduledAt(): Promise<number | null> {
    const r = this.#db.prepare("SELECT MIN(enqueue_at) AS at FROM jobs WHERE state = 'Scheduled'").get<{ at: number | null }>();
    return Promise.resolve(r?.at ?? null);
  }

  recoverExpired(now: number, limit: number): Promise<string[]> {
    const at = Math.round(now);
    return Promise.resolve(
      this.#tx((tx) => {
        const rows = this.#db
          .prepare("SELECT id, attempt, max_retries, server_id FROM jobs WHERE state = 'Processing' AND lease_until < ? LIMIT ?")
          .all<{ id: number; attempt: number; max_retries: number; server_id: string }>(at, limit);
        const out: string[] = [];
        for (const r of rows) {
          const why = `Lease expired: server ${r.server_id} stopped renewing it (process killed or frozen)`;
          const spent = r.attempt > r.max_retries;
          const ok = this.#applyTransition(tx, {
            jobId: String(r.id),
            from: ["Processing"],
            to: spent ? "Failed" : "Enqueued",
            reason: spent ? `${why}; no retries left` : `Requeued. ${why}`,
            at,
            error: spent ? { type: "LeaseExpiredError", message: why, stack: `LeaseExpiredError: ${why}` } : undefined,
          });
          if (ok) out.push(String(r.id));
        }
        return out;
      }),
    );
  }

  renewLeases(serverId: string, _now: number, leaseUntil: number): Promise<number> {
    const r = this.#db
      .prepare("UPDATE jobs SET lease_until = ? WHERE server_id = ? AND state = 'Processing'")
      .run(Math.round(leaseUntil), serverId);
    return Promise.resolve(r.changes);
  }

  // ---------------------------------------------------------------- recurring jobs

  upsertRecurring(def: RecurringDefinition, now: number, nextExecution: number | null, keepUserChanges: boolean): Promise<void> {
    const at = Math.round(now);
    // keepUserChanges: a restart must not undo a cron, zone or enabled flag changed through the API.
    this.#db
      .prepare(
        `INSERT INTO recurring_jobs (id, name, type, args, cron, time_zone, misfire, overlap, enabled, queue, created_at, updated_at, next_execution)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, type = excluded.type, args = excluded.args,
           queue = excluded.queue, updated_at = excluded.updated_at` +
          (keepUserChanges
            ? ""
            : `, cron = excluded.cron, time_zone = excluded.time_zone, misfire = excluded.misfire, overlap = excluded.overlap,
           enabled = excluded.enabled, next_execution = excluded.next_execution`),
      )
      .run(
        def.id,
        def.name,
        def.type,
        JSON.stringify(def.args ?? null),
        def.cron,
        def.timeZone,
        def.misfire,
        def.overlap ?? "allow",
        def.enabled === false ? 0 : 1,
        def.queue ?? "default",
        at,
        at,
        nextExecution,
      );
    return Promise.resolve();
  }

  listRecurring(): Promise<RecurringJob[]> {
    return Promise.resolve(this.#db.prepare(RECURRING_SELECT + " ORDER BY r.created_at, r.id").all<Row>().map(toRecurring));
  }

  getRecurring(id: string): Promise<RecurringJob | null> {
    const row = this.#db.prepare(RECURRING_SELECT + " WHERE r.id = ?").get<Row>(id);
    return Promise.resolve(row ? toRecurring(row) : null);
  }

  updateRecurring(id: string, patch: RecurringPatch, now: number): Promise<RecurringJob | null> {
    const cols: Record<string, SqlValue | undefined> = {
      cron: patch.cron,
      time_zone: patch.timeZone,
      misfire: patch.misfire,
      overlap: patch.overlap,
      enabled: patch.enabled === undefined ? undefined : patch.enabled ? 1 : 0,
      name: patch.name,
      args: patch.args === undefined ? undefined : JSON.stringify(patch.args),
      next_execution: patch.nextExecution,
      error: patch.error,
    };
    const entries = Object.entries(cols).filter(([, v]) => v !== undefined) as [string, SqlValue][];
    const set = [...entries.map(([k]) => `${k} = ?`), "updated_at = ?"].join(", ");
    const r = this.#db.prepare(`UPDATE recurring_jobs SET ${set} WHERE id = ?`).run(...entries.map(([, v]) => v), Math.round(now), id);
    return r.changes ? this.getRecurring(id) : Promise.resolve(null);
  }

  removeRecurring(id: string): Promise<boolean> {
    return Promise.resolve(this.#db.prepare("DELETE FROM recurring_jobs WHERE id = ?").run(id).changes > 0);
  }

  fireRecurring(fire: RecurringFire, now: number): Promise<RecurringFired | null> {
    return Promise.resolve(
      this.#tx((tx): RecurringFired | null => {
        const row = this.#db.prepare("SELECT next_execution FROM recurring_jobs WHERE id = ?").get<{ next_execution: number | null }>(fire.id);
        if (!row || row.next_execution !== fire.expectNext) return null;
        const busy = fire.skipIfUnfinished
          ? this.#db
              .prepare("SELECT id, state FROM jobs WHERE recurring_id = ? AND state IN ('Enqueued', 'Scheduled', 'Processing') ORDER BY id DESC LIMIT 1")
              .get<{ id: number; state: JobState }>(fire.id)
          : undefined;
        const made = busy ? [] : fire.jobs.map((j) => this.#insertJob(tx, j, now, null, false));
        const last = made.at(-1);
        this.#db
          .prepare(
            "UPDATE recurring_jobs SET last_execution = ?, next_execution = ?, last_job_id = COALESCE(?, last_job_id), error = NULL, updated_at = ? WHERE id = ?",
          )
          .run(fire.lastExecution, fire.nextExecution, last ? Number(last.id) : null, Math.round(now), fire.id);
        const fired: RecurringFired = { jobIds: made.map((m) => m.id), created: made.filter((m) => m.created).length };
        if (busy) fired.unfinished = { jobId: String(busy.id), state: busy.state };
        return fired;
      }),
    );
  }

  // ---------------------------------------------------------------- servers and leases

  registerServer(s: ServerInfo): Promise<void> {
    this.#db
      .prepare(
        `INSERT INTO servers (id, hostname, pid, worker_count, queues, started_at, heartbeat_at, actors) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, actors = excluded.actors`,
      )
      .run(s.id, s.hostname, s.pid, s.workerCount, JSON.stringify(s.queues), Math.round(s.startedAt), Math.round(s.heartbeatAt), JSON.stringify(s.actors));
    return Promise.resolve();
  }

  heartbeat(serverId: string, now: number, actors: unknown[]): Promise<boolean> {
    const r = this.#db.prepare("UPDATE servers SET heartbeat_at = ?, actors = ? WHERE id = ?").run(Math.round(now), JSON.stringify(actors), serverId);
    return Promise.resolve(r.changes > 0);
  }

  removeServer(serverId: string): Promise<void> {
    this.#db.prepare("DELETE FROM servers WHERE id = ?").run(serverId);
    return Promise.resolve();
  }

  listServers(): Promise<ServerInfo[]> {
    const rows = this.#db.prepare("SELECT * FROM servers ORDER BY started_at").all<Row>();
    return Promise.resolve(
      rows.map((r) => ({
        id: r.id as string,
        hostname: r.hostname as string,
        pid: r.pid as number,
        workerCount: r.worker_count as number,
        queues: JSON.parse(r.queues as string),
        startedAt: r.started_at as number,
        heartbeatAt: r.heartbeat_at as number,
        actors: JSON.parse(r.actors as string),
      })),
    );
  }

  removeDeadServers(before: number): Promise<string[]> {
    const rows = this.#db.prepare("DELETE FROM servers WHERE heartbeat_at < ? RETURNING id").all<{ id: string }>(Math.round(before));
    return Promise.resolve(rows.map((r) => r.id));
  }

  acquireLease(name: string, owner: string, now: number, ttlMs: number): Promise<LeaseState> {
    const at = Math.round(now);
    return Promise.resolve(
      this.#db.transaction(() => {
        this.#db
          .prepare(
            `INSERT INTO leases (name, owner, expires_at, token) VALUES (?, ?, ?, 1)
             ON CONFLICT (name) DO UPDATE SET
               token = CASE WHEN leases.owner = excluded.owner THEN leases.token ELSE leases.token + 1 END,
               owner = excluded.owner, expires_at = excluded.expires_at
             WHERE leases.owner = excluded.owner OR leases.expires_at <= ?`,
          )
          .run(name, owner, at + ttlMs, at);
        return this.#lease(name)!;
      }),
    );
  }

  releaseLease(name: string, owner: string): Promise<void> {
    this.#db.prepare("UPDATE leases SET expires_at = 0 WHERE name = ? AND owner = ?").run(name, owner);
    return Promise.resolve();
  }

  getLease(name: string): Promise<LeaseState | null> {
    return Promise.resolve(this.#lease(name));
  }

  #lease(name: string): LeaseState | null {
    const r = this.#db.prepare("SELECT name, owner, expires_at, token FROM leases WHERE name = ?").get<Row>(name);
    return r ? { name: r.name as string, owner: r.owner as string, expiresAt: r.expires_at as number, token: r.token as number } : null;
  }

  // ---------------------------------------------------------------- counters and retention

  incrementCounters(deltas: { key: string; delta: number; expiresAt: number | null }[]): Promise<void> {
    this.#db.transaction(() => this.#incrementInTx(deltas));
    return Promise.resolve();
  }

  #incrementInTx(deltas: { key: string; delta: number; expiresAt: number | null }[]) {
    const st = this.#db.prepare(
      `INSERT INTO counters (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = value + excluded.value, expires_at = excluded.expires_at`,
    );
    for (const d of deltas) st.run(d.key, d.delta, d.expiresAt);
  }

  readCounters(keys: string[]): Promise<Record<string, number>> {
    const out: Record<string, number> = Object.fromEntries(keys.map((k) => [k, 0]));
    // Chunks keep the statement under SQLite's variable limit for week/day graphs.
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const rows = this.#db
        .prepare(`SELECT key, value FROM counters WHERE key IN (${chunk.map(() => "?").join(", ")})`)
        .all<{ key: string; value: number }>(...chunk);
      for (const r of rows) out[r.key] = r.value;
    }
    return Promise.resolve(out);
  }

  purgeExpired(now: number, limit: number): Promise<number> {
    const at = Math.round(now);
    return Promise.resolve(
      this.#tx((tx) => {
        const ids = this.#db.prepare("SELECT id, state FROM jobs WHERE expires_at < ? LIMIT ?").values(at, limit) as [number, JobState][];
        const del = [
          this.#db.prepare("DELETE FROM job_states WHERE job_id = ?"),
          this.#db.prepare("DELETE FROM job_logs WHERE job_id = ?"),
          this.#db.prepare("DELETE FROM jobs WHERE id = ?"),
        ];
        for (const [id, state] of ids) {
          for (const st of del) st.run(id);
          count(tx, state, -1);
        }
        this.#db.prepare("DELETE FROM counters WHERE expires_at < ?").run(at);
        return ids.length;
      }),
    );
  }

  // ---------------------------------------------------------------- other processes

  onExternalChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    if (!this.#pollTimer) this.#pollDataVersion();
    return () => this.#listeners.delete(listener);
  }

  // PRAGMA data_version changes only when another connection commits: reading it is a look at
  // shared memory, so a 100 ms beat costs nothing while it lets a second process see new work.
  #pollDataVersion = () => {
    if (this.#closed || !this.#listeners.size) {
      this.#pollTimer = null;
      return;
    }
    const v = (this.#db.prepare("PRAGMA data_version").get<{ data_version: number }>()?.data_version ?? 0) as number;
    if (this.#dataVersion && v !== this.#dataVersion) for (const l of this.#listeners) l();
    this.#dataVersion = v;
    this.#pollTimer = this.#opts.clock.setTimeout(this.#pollDataVersion, this.#opts.externalChangePollMs);
  };
}

type HistoryRow = [number, JobState, string | null, number, string | null];

const HELD_COLUMNS = "state, reason, started_at, finished_at, server_id, worker_id, duration_ms";

/**
 * See #heldRecords. `last`: the job's last record already kept. A record kept already is not
 * held again: the Succeeded of a slow-path success, and the Processing row that ledgers before
 * 2026-11-29 wrote at every claim.
 */
function heldRecords(id: number, job: Row, last: HistoryRow | undefined): HistoryRow[] {
  if (job.started_at == null) return [];
  const processing: HistoryRow = [id, "Processing", null, job.started_at as number, processingData(job.server_id as string | null, job.worker_id as string | null)];
  if (job.state === "Processing") return last?.[1] === "Processing" && last[3] === job.started_at ? [] : [processing];
  if (job.state !== "Succeeded" || last?.[1] === "Succeeded") return [];
  const data = job.duration_ms == null ? null : JSON.stringify({ durationMs: job.duration_ms });
  return [processing, [id, "Succeeded", (job.reason as string | null) ?? null, job.finished_at as number, data]];
}

function processingData(serverId: string | null, workerId: string | null): string {
  return JSON.stringify({ serverId, workerId });
}

/** What a transaction accumulates, written at its end. */
interface TxWork {
  history: HistoryRow[];
  counts: Map<JobState, number>;
  finished: { to: JobState; at: number }[];
}

function count(tx: TxWork, state: JobState, delta: number) {
  tx.counts.set(state, (tx.counts.get(state) ?? 0) + delta);
}

/** The hot path: a job that ran and succeeded on this server. */
function isPlainSuccess(t: Transition): boolean {
  return t.to === "Succeeded" && !!t.fence && t.from.length === 1 && t.from[0] === "Processing" && !t.via?.length && !t.data;
}

const RECURRING_SELECT = `SELECT r.*, j.state AS last_job_state FROM recurring_jobs r LEFT JOIN jobs j ON j.id = r.last_job_id`;

/** A job id as the ledger writes it: digits without a leading zero ("018" names no job). */
function toId(s: string): number | null {
  return /^(0|[1-9]\d{0,14})$/.test(s) ? Number(s) : null;
}

/** An error as the history keeps it: its class chain served only the retry decision. */
function stored({ type, message, stack }: ErrorInfo): ErrorInfo {
  return { type, message, stack };
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? "null";
  } catch {
    return JSON.stringify("Can not serialize the return value");
  }
}

function toSummary(r: Row): JobSummary {
  return {
    id: String(r.id),
    type: r.type as string,
    queue: r.queue as string,
    state: r.state as JobState,
    reason: (r.reason as string | null) ?? null,
    attempt: r.attempt as number,
    maxRetries: r.max_retries as number,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    enqueueAt: (r.enqueue_at as number | null) ?? null,
    startedAt: (r.started_at as number | null) ?? null,
    finishedAt: (r.finished_at as number | null) ?? null,
    serverId: (r.server_id as string | null) ?? null,
    workerId: (r.worker_id as string | null) ?? null,
    leaseUntil: (r.lease_until as number | null) ?? null,
    recurringId: (r.recurring_id as string | null) ?? null,
    scheduledFor: (r.scheduled_for as number | null) ?? null,
    progress: (r.progress as number | null) ?? null,
    progressMessage: (r.progress_message as string | null) ?? null,
    error: r.error_type
      ? { type: r.error_type as string, message: (r.error_message as string) ?? "", stack: (r.error_stack as string) ?? "" }
      : null,
    durationMs: (r.duration_ms as number | null) ?? null,
    latencyMs: (r.latency_ms as number | null) ?? null,
    expiresAt: (r.expires_at as number | null) ?? null,
  };
}

function toRecurring(r: Row): RecurringJob {
  return {
    id: r.id as string,
    name: r.name as string,
    type: r.type as string,
    args: JSON.parse(r.args as string),
    cron: r.cron as string,
    timeZone: r.time_zone as string,
    misfire: r.misfire as RecurringJob["misfire"],
    overlap: r.overlap as RecurringJob["overlap"],
    enabled: r.enabled === 1,
    queue: r.queue as string,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    lastExecution: (r.last_execution as number | null) ?? null,
    nextExecution: (r.next_execution as number | null) ?? null,
    lastJobId: r.last_job_id == null ? null : String(r.last_job_id),
    lastJobState: (r.last_job_state as JobState | null) ?? null,
    error: (r.error as string | null) ?? null,
  };
}
