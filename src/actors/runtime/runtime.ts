// The runtime: one server of the job system. It composes the ledger, the group commit, the job
// worker pool (supervised actors in worker threads), the scheduler, the leader lease and the
// maintenance beats (lease renewal, recovery of dead servers' jobs, retention), and is what the
// HTTP API and the dashboard talk to.
import { hostname } from "node:os";
import process from "node:process";
import { ConflictError, NotFoundError, ValidationError } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import {
  type JobDetails,
  type JobQuery,
  type JobState,
  type JobSummary,
  type Ledger,
  MISFIRE_POLICIES,
  type MisfirePolicy,
  OVERLAP_POLICIES,
  type OverlapPolicy,
  type RecurringDefinition,
  type RecurringJob,
} from "../../ledger/ledger.ts";
import type { Clock, TimerHandle } from "./clock.ts";
import { compileCron, nextAfter } from "./cron.ts";
import { RuntimeEvents } from "./events.ts";
import { GroupCommit } from "./group-commit.ts";
import type { JobModule } from "./job-definition.ts";
import { JobPool, type JobType } from "./job-pool.ts";
import { LeaderLease } from "./leader-lease.ts";
import { resolveRetryPolicy } from "./retry-policy.ts";
import type { RestartPolicy } from "./restart-policy.ts";
import { Scheduler } from "./scheduler.ts";
import { STEP_MS } from "./wall-time.ts";
import { type ActorSpec, Supervisor } from "./supervisor.ts";

export interface RuntimeOptions {
  ledger: Ledger;
  clock: Clock;
  logger: Logger;
  workerCount: number;
  leaseTtlMs: number;
  defaultJobTimeoutMs: number;
  /** Module URLs exporting `jobs`; loaded here for policies and in every worker thread. */
  jobModules: string[];
  /** Module URL exporting createServices(config, rpc), run once per worker thread. */
  servicesModule?: string | null;
  /** Passed to worker threads (must be structured-cloneable). */
  workerConfig?: unknown;
  entryUrl: string;
  recurring?: (RecurringDefinition & { force?: boolean })[];
  serverId?: string;
  prefetch?: number;
  workerMemoryMb?: number;
  random?: () => number;
  /** Extra supervised actors (background services). */
  actors?: ActorSpec[];
  /** Methods job code may call on the main thread (ctx services' proxies use them). */
  rpc?: Record<string, (...args: unknown[]) => Promise<unknown>>;
  /** How long a server may miss heartbeats before its row is removed. */
  deadServerAfterMs?: number;
  /** The event stream, when the caller must subscribe before start-up (recovery happens during it). */
  events?: RuntimeEvents;
  /** How job worker threads are restarted after a crash (default: backoff 100 ms → 30 s, 20 a minute). */
  restartPolicy?: RestartPolicy;
}

export interface EnqueueOptions {
  /** Run after this delay (ms); absent or 0 = now. */
  delayMs?: number;
  /** Run at this instant (ms since epoch). */
  at?: number;
  reason?: string;
  uniqueKey?: string;
  recurringId?: string;
  scheduledFor?: number;
}

export interface EnqueueResult {
  jobId: string;
  state: "Enqueued" | "Scheduled";
  enqueueAt: number | null;
  created: boolean;
}

const RETENTION_SWEEP_MS = 60_000;

export class Runtime {
  readonly events: RuntimeEvents;
  readonly serverId: string;
  readonly startedAt: number;
  readonly ledger: Ledger;
  #o: RuntimeOptions;
  #clock: Clock;
  #log: Logger;
  #types = new Map<string, JobType>();
  #commit: GroupCommit;
  #supervisor: Supervisor;
  #pool: JobPool;
  #scheduler: Scheduler;
  #lease: LeaderLease;
  #timers = new Map<string, TimerHandle>();
  #offExternal: (() => void) | null = null;
  #stopping: Promise<void> | null = null;
  /** Set once the pool has drained: until then running jobs' leases are still renewed. */
  #drained = false;
  #lastRetentionSweep = 0;
  /** The previous recovery pass's wall and monotonic readings, to see a step of the wall clock. */
  #lastBeat: { wall: number; mono: number } | null = null;
  /** Monotonic reading before which lapsed leases are not recovered (a forward step was seen). */
  #holdRecoveryUntil = -Infinity;

  private constructor(o: RuntimeOptions, types: Map<string, JobType>) {
    this.#o = o;
    this.events = o.events ?? new RuntimeEvents();
    this.ledger = o.ledger;
    this.#clock = o.clock;
    this.#log = o.logger;
    this.#types = types;
    this.serverId = o.serverId ?? `${hostname()}:${process.pid}:${Math.floor(o.clock.now()).toString(36)}`;
    this.startedAt = o.clock.now();
    const deps = { ledger: o.ledger, clock: o.clock, events: this.events, logger: o.logger };
    this.#commit = new GroupCommit(deps);
    this.#supervisor = new Supervisor(deps);
    this.#pool = new JobPool(
      {
        serverId: this.serverId,
        workerCount: o.workerCount,
        prefetch: o.prefetch,
        leaseTtlMs: o.leaseTtlMs,
        types,
        entryUrl: o.entryUrl,
        jobModules: o.jobModules,
        servicesModule: o.servicesModule ?? null,
        workerConfig: o.workerConfig ?? null,
        workerMemoryMb: o.workerMemoryMb,
        rpc: o.rpc ?? {},
        random: o.random,
        restartPolicy: o.restartPolicy,
      },
      { ...deps, commit: this.#commit, supervisor: this.#supervisor },
    );
    this.#scheduler = new Scheduler({ ...deps, onWork: () => this.#pool.wake(), maxRetriesOf: (t) => this.#maxRetries(t) });
    this.#pool.onScheduled = (at) => this.#scheduler.noteScheduled(at);
    this.#lease = new LeaderLease(deps, {
      name: "scheduler",
      owner: this.serverId,
      ttlMs: o.leaseTtlMs,
      onChange: (leader) => this.#scheduler.setLeader(leader),
    });
  }

  static async start(o: RuntimeOptions): Promise<Runtime> {
    const types = new Map<string, JobType>();
    for (const url of o.jobModules) {
      const mod = (await import(url)) as JobModule;
      for (const def of mod.jobs) {
        types.set(def.type, { def, policy: resolveRetryPolicy(def.retry), timeoutMs: def.timeoutMs ?? o.defaultJobTimeoutMs });
      }
    }
    const rt = new Runtime(o, types);
    await rt.#start();
    return rt;
  }

  async #start() {
    const now = this.#clock.now();
    await this.ledger.registerServer({
      id: this.serverId,
      hostname: hostname(),
      pid: process.pid,
      workerCount: this.#o.workerCount,
      queues: ["default"],
      startedAt: now,
      heartbeatAt: now,
      actors: [],
    });
    for (const def of this.#o.recurring ?? []) await this.#registerRecurring(def, now);
    try {
      await this.#pool.start();
    } catch (err) {
      // Leave nothing running behind a failed start: other threads would keep the process alive.
      await this.#supervisor.stopAll();
      this.#commit.close();
      await this.ledger.removeServer(this.serverId);
      throw err;
    }
    for (const spec of this.#o.actors ?? []) this.#supervisor.supervise(spec);
    await this.#scheduler.start();
    await this.#lease.start();
    this.#offExternal = this.ledger.onExternalChange(() => {
      // Another process committed: it may have enqueued work or edited a schedule.
      this.#pool.wake();
      void this.#scheduler.refreshDelayed();
      void this.#scheduler.refreshRecurring();
    });
    this.#every("heartbeat", Math.max(50, Math.floor(this.#o.leaseTtlMs / 3)), () => this.#heartbeat(), true);
    this.#every("recovery", Math.max(50, Math.floor(this.#o.leaseTtlMs / 5)), () => this.#recover());
    await this.#recover();
    this.#log.info(`Hangfire Server started. Server ${this.serverId}, ${this.#o.workerCount} workers, job types: ${[...this.#types.keys()].join(", ")}`);
  }

  #every(name: string, ms: number, fn: () => Promise<void>, whileDraining = false) {
    const off = () => (whileDraining ? this.#drained : this.#stopping !== null);
    const beat = async () => {
      if (off()) return;
      try {
        await fn();
      } catch (err) {
        this.#log.warn(`Runtime ${name} failed`, err);
      }
      if (!off()) this.#timers.set(name, this.#clock.setTimeout(() => void beat(), ms));
    };
    this.#timers.set(name, this.#clock.setTimeout(() => void beat(), ms));
  }

  async #heartbeat() {
    const now = this.#clock.now();
    await this.ledger.renewLeases(this.serverId, now, now + this.#o.leaseTtlMs);
    const alive = await this.ledger.heartbeat(this.serverId, now, this.#supervisor.status());
    if (!alive) {
      // Removed as dead by another server (we were frozen): register again.
      await this.ledger.registerServer({
        id: this.serverId,
        hostname: hostname(),
        pid: process.pid,
        workerCount: this.#o.workerCount,
        queues: ["default"],
        startedAt: this.startedAt,
        heartbeatAt: now,
        actors: this.#supervisor.status(),
      });
    }
  }

  async #recover() {
    const now = this.#clock.now();
    const afterStep = this.#afterForwardStep(now);
    // This server's own jobs are alive (a dead worker's job is the pool's to fail), but after a
    // step of the wall clock longer than the lease they look lapsed until the next heartbeat:
    // renewed first, they are never recovered from under their own worker.
    await this.ledger.renewLeases(this.serverId, now, now + this.#o.leaseTtlMs);
    // The same step made every other server's running jobs look lapsed too (a SQLite ledger's
    // servers share this host's clock): each renews within a third of a lease, so recovery waits
    // one lease of monotonic time after a forward step before it takes anything (dead servers and
    // the retention sweep wait with it: after a step, live servers look dead too).
    if (afterStep) return;
    const ids = await this.ledger.recoverExpired(now, 1000);
    if (ids.length) {
      this.#log.warn(`Recovered ${ids.length} job(s) whose server stopped renewing their lease: ${ids.slice(0, 10).join(", ")}${ids.length > 10 ? ", …" : ""}`);
      this.events.emit("lease:recovered", { jobIds: ids });
      this.#pool.wake();
    }
    await this.ledger.removeDeadServers(now - (this.#o.deadServerAfterMs ?? Math.max(10 * this.#o.leaseTtlMs, 60_000)));
    if (now - this.#lastRetentionSweep >= RETENTION_SWEEP_MS) {
      this.#lastRetentionSweep = now;
      await this.purgeExpired();
    }
  }

  #afterForwardStep(now: number): boolean {
    const mono = this.#clock.elapsed?.();
    if (mono === undefined) return false;
    const last = this.#lastBeat;
    this.#lastBeat = { wall: now, mono };
    if (last && now - last.wall - (mono - last.mono) > STEP_MS) this.#holdRecoveryUntil = mono + this.#o.leaseTtlMs;
    return mono < this.#holdRecoveryUntil;
  }

  /** Deletes expired jobs in batches (also the cleanup job's work). Returns how many. */
  async purgeExpired(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.ledger.purgeExpired(this.#clock.now(), 1000);
      total += n;
      if (n < 1000) return total;
    }
  }

  // ---------------------------------------------------------------- jobs

  jobTypes(): string[] {
    return [...this.#types.keys()];
  }

  #maxRetries(type: string): number {
    return this.#types.get(type)?.policy.maxRetries ?? 10;
  }

  async enqueue(type: string, args: unknown = null, opts: EnqueueOptions = {}): Promise<EnqueueResult> {
    if (this.#stopping) throw new ConflictError("the server is shutting down; no job can be created");
    const t = this.#types.get(type);
    if (!t) throw new ValidationError("type", `job type must be one of ${this.jobTypes().join(", ")}; got "${type}"`);
    const validArgs = t.def.validate ? t.def.validate(args) : args;
    const now = this.#clock.now();
    const at = opts.at ?? (opts.delayMs ? now + opts.delayMs : null);
    const scheduled = at !== null && at > now;
    const state = scheduled ? "Scheduled" : "Enqueued";
    // Woken before the commit, the pool claims this job in the same transaction that inserts it.
    if (!scheduled) this.#pool.wake("enqueued");
    const [r] = await this.#commit.addJobs([
      {
        type,
        args: validArgs,
        queue: t.def.queue,
        state: scheduled ? "Scheduled" : "Enqueued",
        enqueueAt: scheduled ? at! : undefined,
        reason: opts.reason ?? (scheduled ? "Scheduled" : "Enqueued"),
        maxRetries: t.policy.maxRetries,
        uniqueKey: opts.uniqueKey,
        recurringId: opts.recurringId,
        scheduledFor: opts.scheduledFor,
      },
    ]);
    if (r.created) {
      this.events.emit("job:created", { jobId: r.id, type, state, enqueueAt: scheduled ? at : null });
      if (scheduled) this.#scheduler.noteScheduled(at!);
    }
    return { jobId: r.id, state, enqueueAt: scheduled ? at : null, created: r.created };
  }

  getJob(id: string): Promise<JobDetails | null> {
    return this.ledger.getJob(id);
  }

  listJobs(q: JobQuery): Promise<JobSummary[]> {
    return this.ledger.listJobs(q);
  }

  countByState(): Promise<Record<JobState, number>> {
    return this.ledger.countByState();
  }

  /** Moves a job (any state but Processing on another server) back to Enqueued. */
  async requeue(id: string, reason = "Requeued from the dashboard"): Promise<void> {
    await this.#move(id, ["Scheduled", "Succeeded", "Failed", "Deleted", "Enqueued"], "Enqueued", reason, (state) =>
      state === "Processing" ? "running; delete it first or wait" : `in state ${state}`,
    );
    this.events.emit("job:requeued", { jobId: id, reason });
    this.#pool.wake();
  }

  /** Deletes a job; a running one is asked to abort (its later outcome is ignored). */
  async delete(id: string, reason = "Deleted from the dashboard"): Promise<void> {
    await this.#move(id, ["Enqueued", "Scheduled", "Processing", "Failed", "Succeeded"], "Deleted", reason, (state) => `already ${state}`);
    // Always: it may have been claimed between the ledger's read and the transition.
    this.#pool.cancel(id, reason);
    this.events.emit("job:deleted", { jobId: id, reason });
  }

  /** A manual state change: 404 for an unknown job, 409 (worded by `why`) from a state that forbids it. */
  async #move(id: string, from: JobState[], to: JobState, reason: string, why: (state: JobState) => string): Promise<void> {
    const applied = await this.#transition({ jobId: id, from, to, reason, at: this.#clock.now() });
    if (applied) return;
    const job = await this.ledger.getJob(id);
    if (!job) throw new NotFoundError("job", id);
    throw new ConflictError(`job ${id} is ${why(job.state)}`);
  }

  #transition(transition: Parameters<GroupCommit["addTransition"]>[0]["transition"]): Promise<boolean> {
    return new Promise((resolve, reject) => this.#commit.addTransition({ transition, done: resolve, failed: reject }));
  }

  // ---------------------------------------------------------------- recurring jobs

  async #registerRecurring(def: RecurringDefinition & { force?: boolean }, now: number) {
    const cron = compileCron(def.cron, def.timeZone);
    const existing = await this.ledger.getRecurring(def.id);
    const keep = !!existing && !def.force;
    const changed = existing && (existing.cron !== def.cron || existing.timeZone !== def.timeZone);
    await this.ledger.upsertRecurring(def, now, def.enabled === false ? null : nextAfter(cron, now), keep);
    // (Only for a job that runs and stays running: one resumed by this deploy starts from now.)
    if (existing && !keep && !changed && existing.enabled && def.enabled !== false) {
      // Same schedule forced again: keep the pending instant so a restart never skips a tick.
      await this.ledger.updateRecurring(def.id, { nextExecution: existing.nextExecution }, now);
    }
  }

  listRecurring(): Promise<RecurringJob[]> {
    return this.ledger.listRecurring();
  }

  async getRecurring(id: string): Promise<RecurringJob> {
    const r = await this.ledger.getRecurring(id);
    if (!r) throw new NotFoundError("recurring job", id);
    return r;
  }

  /** Runs a recurring job now, outside its schedule (Hangfire's "Trigger now"). */
  async triggerRecurring(id: string): Promise<EnqueueResult> {
    if (this.#stopping) throw new ConflictError("the server is shutting down; no job can be created");
    for (let tries = 0; tries < 5; tries++) {
      const rec = await this.getRecurring(id);
      const now = this.#clock.now();
      const fired = await this.ledger.fireRecurring(
        {
          id,
          expectNext: rec.nextExecution,
          jobs: [
            {
              type: rec.type,
              args: rec.args,
              queue: rec.queue,
              state: "Enqueued",
              reason: "Triggered using recurring job manager",
              maxRetries: this.#maxRetries(rec.type),
              recurringId: id,
              scheduledFor: Math.floor(now),
            },
          ],
          lastExecution: Math.floor(now),
          nextExecution: rec.nextExecution,
        },
        now,
      );
      if (!fired) continue; // the scheduler moved this job's next instant meanwhile: read again
      const jobId = fired.jobIds[0];
      this.events.emit("job:created", { jobId, type: rec.type, state: "Enqueued", enqueueAt: null });
      this.#pool.wake();
      return { jobId, state: "Enqueued", enqueueAt: null, created: true };
    }
    throw new ConflictError(`recurring job ${id} kept changing while it was being triggered; try again`);
  }

  async setRecurringEnabled(id: string, enabled: boolean): Promise<RecurringJob> {
    const rec = await this.getRecurring(id);
    if (rec.enabled === enabled) return rec; // nothing changes: a due tick must not be moved away
    const now = this.#clock.now();
    // Enabling starts from now: what was missed while disabled is not backfilled.
    const next = enabled ? nextAfter(compileCron(rec.cron, rec.timeZone), now) : null;
    const out = (await this.ledger.updateRecurring(id, { enabled, nextExecution: next }, now))!;
    await this.#scheduler.refreshRecurring();
    return out;
  }

  async updateRecurring(id: string, patch: { cron?: string; timeZone?: string; misfire?: MisfirePolicy; overlap?: OverlapPolicy }): Promise<RecurringJob> {
    const rec = await this.getRecurring(id);
    const cron = compileCron(patch.cron ?? rec.cron, patch.timeZone ?? rec.timeZone); // throws ValidationError naming cron or timeZone
    // Stored as checked: "0  4 * * *" as "0 4 * * *", "europe/berlin" as "Europe/Berlin".
    const cronText = cron.expression;
    const zone = cron.timeZone;
    // An empty string (a form field left blank) is not a policy either.
    if (patch.misfire !== undefined && !MISFIRE_POLICIES.includes(patch.misfire)) {
      throw new ValidationError("misfire", `misfire must be relaxed, strict or ignorable; got "${patch.misfire}"`);
    }
    if (patch.overlap !== undefined && !OVERLAP_POLICIES.includes(patch.overlap)) {
      throw new ValidationError("overlap", `overlap must be allow or skip; got "${patch.overlap}"`);
    }
    const now = this.#clock.now();
    const next = nextAfter(cron, now);
    if (next === null && patch.cron !== undefined) {
      // Saved, it would look enabled and healthy and never run.
      throw new ValidationError("cron", `cron "${cronText}" never fires: no date matches it (check the day of month against the month); expected a schedule with a next run`);
    }
    // Only a new schedule (or one that could not be read) moves the next run: changing a policy
    // alone must not drop a tick that is due.
    const reschedule = cronText !== rec.cron || zone !== rec.timeZone || rec.error !== null || (rec.enabled && rec.nextExecution === null);
    const out = (await this.ledger.updateRecurring(
      id,
      {
        cron: cronText,
        timeZone: zone,
        misfire: patch.misfire,
        overlap: patch.overlap,
        ...(reschedule ? { nextExecution: rec.enabled ? next : null, error: null } : {}),
      },
      now,
    ))!;
    await this.#scheduler.refreshRecurring();
    return out;
  }

  // ---------------------------------------------------------------- status and shutdown

  /** Stops this server taking new jobs (running ones finish); other servers are not affected. */
  pause() {
    this.#pool.setPaused(true);
  }

  resume() {
    this.#pool.setPaused(false);
  }

  get paused(): boolean {
    return this.#pool.paused;
  }

  get isLeader(): boolean {
    return this.#lease.isLeader;
  }

  actors() {
    return this.#supervisor.status();
  }

  workers() {
    return this.#pool.snapshot();
  }

  commitStats() {
    return { ...this.#commit.stats };
  }

  /** Resolves when every write queued so far is durable (tests, benchmarks). */
  settle(): Promise<void> {
    return this.#commit.settle();
  }

  /**
   * Graceful stop: take no new work, let running jobs finish within `graceMs`, requeue the rest,
   * release the scheduler lease, deregister, close nothing that we did not open.
   */
  stop(graceMs = 25_000): Promise<void> {
    if (this.#stopping) return this.#stopping;
    this.#stopping = (async () => {
      this.#log.info(`Hangfire Server stopping (grace ${graceMs} ms)`);
      // Running jobs keep their leases (heartbeat) while they may still finish.
      for (const [name, t] of this.#timers) if (name !== "heartbeat") this.#clock.clearTimeout(t);
      this.#offExternal?.();
      this.#scheduler.stop();
      // The background services stop now, alongside the drain, not after the grace.
      const services = Promise.all((this.#o.actors ?? []).map((a) => this.#supervisor.stop(a.id)));
      await this.#lease.stop();
      const drained = await this.#pool.drain(graceMs);
      await services;
      this.#drained = true;
      for (const t of this.#timers.values()) this.#clock.clearTimeout(t);
      this.#timers.clear();
      if (!drained) this.#log.warn(`Jobs still running after ${graceMs} ms are requeued`);
      await this.#supervisor.stopAll();
      // A write waiting to be retried after a ledger error (a completion, a requeue) is kept.
      await this.#commit.settle(Math.max(5_000, graceMs));
      this.#commit.close();
      await this.ledger.removeServer(this.serverId);
      this.#log.info("Hangfire Server stopped");
    })();
    return this.#stopping;
  }
}
