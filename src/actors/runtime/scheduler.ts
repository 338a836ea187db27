// Time-driven work, with a timer to the next due instant instead of a polling loop:
// - delayed jobs (and retries): Scheduled → Enqueued at their time, on every server (promotion is
//   an idempotent guarded update, so several servers doing it is harmless);
// - recurring jobs: only on the leader; each tick's jobs carry the unique key
//   "recurring:<id>:<instant>" so a tick fired twice (two leaders for a moment) creates one job.
// Changes (a new delayed job, an edited recurring job, another process's commit) re-arm the timers.
import type { Logger } from "../../logger.ts";
import type { Ledger, RecurringJob } from "../../ledger/ledger.ts";
import type { Clock, TimerHandle } from "./clock.ts";
import { compileCron, dueOccurrences, nextAfter } from "./cron.ts";
import type { RuntimeEvents } from "./events.ts";

const PROMOTE_BATCH = 1000;
/** After a failed pass (the ledger unreachable), try again this soon. */
const RETRY_AFTER_ERROR_MS = 1000;

export interface SchedulerDeps {
  ledger: Ledger;
  clock: Clock;
  events: RuntimeEvents;
  logger: Logger;
  /** Jobs became Enqueued. */
  onWork: () => void;
  /** maxRetries for jobs created by recurring ticks, by job type. */
  maxRetriesOf: (type: string) => number;
}

export class Scheduler {
  #d: SchedulerDeps;
  #delayTimer: TimerHandle | null = null;
  #delayAt = Infinity;
  #cronTimer: TimerHandle | null = null;
  #cronAt = Infinity;
  #leader = false;
  #stopped = false;
  #busy: Promise<void> = Promise.resolve();

  constructor(deps: SchedulerDeps) {
    this.#d = deps;
  }

  async start(): Promise<void> {
    await this.refreshDelayed();
  }

  stop() {
    this.#stopped = true;
    this.#clearDelay();
    this.#clearCron();
  }

  /** Serialises timer work so a tick and a refresh never interleave. */
  #serial(fn: () => Promise<void>): Promise<void> {
    const run = this.#busy.then(fn, fn).catch((err) => this.#d.logger.error("Scheduler pass failed", err));
    this.#busy = run;
    return run;
  }

  // ---------------------------------------------------------------- delayed jobs

  /** A job was scheduled for `at`: wake at that instant if it is sooner than what we wait for. */
  noteScheduled(at: number) {
    if (at < this.#delayAt) this.#armDelay(at);
  }

  refreshDelayed(): Promise<void> {
    return this.#serial(async () => {
      let next: number | null;
      try {
        next = await this.#d.ledger.nextScheduledAt();
      } catch (err) {
        // As #promote and #tick do: try again shortly, or delayed jobs wait for an unrelated event.
        this.#d.logger.error("Reading the next delayed job failed; trying again shortly", err);
        return this.noteScheduled(this.#d.clock.now() + RETRY_AFTER_ERROR_MS);
      }
      if (next === null) this.#clearDelay();
      else this.#armDelay(next);
    });
  }

  #armDelay(at: number) {
    if (this.#stopped) return;
    this.#clearDelay();
    this.#delayAt = at;
    this.#delayTimer = this.#at(at, () => {
      this.#delayTimer = null;
      this.#delayAt = Infinity;
      void this.#promote();
    });
  }

  /** A timer for a wall-clock instant: a step of the wall clock moves cron ticks and delayed jobs with it. */
  #at(at: number, fn: () => void) {
    const c = this.#d.clock;
    return c.setTimeoutAt ? c.setTimeoutAt(fn, at) : c.setTimeout(fn, Math.max(0, at - c.now()));
  }

  #clearDelay() {
    if (this.#delayTimer) this.#d.clock.clearTimeout(this.#delayTimer);
    this.#delayTimer = null;
    this.#delayAt = Infinity;
  }

  #promote(): Promise<void> {
    return this.#serial(async () => {
      try {
        await this.#promotePass();
      } catch (err) {
        this.#d.logger.error("Promoting delayed jobs failed; trying again shortly", err);
        this.#armDelay(this.#d.clock.now() + RETRY_AFTER_ERROR_MS);
      }
    });
  }

  async #promotePass(): Promise<void> {
    let total = 0;
    for (;;) {
      const n = await this.#d.ledger.promoteDue(this.#d.clock.now(), PROMOTE_BATCH);
      total += n;
      if (n < PROMOTE_BATCH) break;
    }
    if (total) {
      this.#d.events.emit("scheduled:promoted", { count: total });
      this.#d.onWork();
    }
    const next = await this.#d.ledger.nextScheduledAt();
    if (next !== null) this.#armDelay(next);
  }

  // ---------------------------------------------------------------- recurring jobs

  setLeader(leader: boolean) {
    this.#leader = leader;
    if (leader) void this.refreshRecurring();
    else this.#clearCron();
  }

  /** Re-reads recurring jobs (after an edit or another process's change) and re-arms the timer. */
  refreshRecurring(): Promise<void> {
    if (!this.#leader || this.#stopped) return Promise.resolve();
    return this.#serial(() => this.#tick());
  }

  #armCron(at: number) {
    if (this.#stopped || !this.#leader) return;
    if (this.#cronTimer && this.#cronAt === at) return;
    this.#clearCron();
    this.#cronAt = at;
    this.#cronTimer = this.#at(at, () => {
      this.#cronTimer = null;
      this.#cronAt = Infinity;
      void this.#serial(() => this.#tick());
    });
  }

  #clearCron() {
    if (this.#cronTimer) this.#d.clock.clearTimeout(this.#cronTimer);
    this.#cronTimer = null;
    this.#cronAt = Infinity;
  }

  async #tick() {
    if (!this.#leader || this.#stopped) return;
    const now = this.#d.clock.now();
    let earliest = Infinity;
    let recurring: RecurringJob[];
    try {
      recurring = await this.#d.ledger.listRecurring();
    } catch (err) {
      this.#d.logger.error("Reading recurring jobs failed; trying again shortly", err);
      return this.#armCron(now + RETRY_AFTER_ERROR_MS);
    }
    for (const rec of recurring) {
      if (!rec.enabled) continue;
      let next: number | null;
      try {
        next = await this.#fireIfDue(rec, now);
      } catch (err) {
        // One job's failure neither stops the others nor its own next try.
        this.#d.logger.error(`Firing recurring job ${rec.id} failed; trying again shortly`, err);
        next = now + RETRY_AFTER_ERROR_MS;
      }
      if (next !== null && next < earliest) earliest = next;
    }
    if (earliest < Infinity) this.#armCron(earliest);
    else this.#clearCron();
  }

  /** Fires what is due for one recurring job; returns its next instant. */
  async #fireIfDue(rec: RecurringJob, now: number): Promise<number | null> {
    let cron;
    try {
      cron = compileCron(rec.cron, rec.timeZone);
    } catch (err) {
      // A bad stored expression disables that job with its error shown, not the scheduler.
      await this.#d.ledger.updateRecurring(rec.id, { nextExecution: null, error: (err as Error).message }, now);
      return null;
    }
    if (rec.nextExecution === null) {
      const next = nextAfter(cron, now);
      await this.#d.ledger.updateRecurring(rec.id, { nextExecution: next, error: null }, now);
      return next;
    }
    if (rec.nextExecution > now) return rec.nextExecution;
    // nextExecution is moved only by a fire (guarded by expectNext), so it says what was handled;
    // lastExecution also moves on a trigger-now, and would hide ticks that are due.
    const from = rec.nextExecution - 1;
    const { runs, next } = dueOccurrences(cron, from, now, rec.misfire);
    const maxRetries = this.#d.maxRetriesOf(rec.type);
    // overlap "skip": one run at a time, so at most one per fire (a strict catch-up included), and
    // none while a run is unfinished (decided by the ledger, in the fire's transaction).
    const skip = rec.overlap === "skip";
    const firing = skip ? runs.slice(-1) : runs;
    const fired = await this.#d.ledger.fireRecurring(
      {
        id: rec.id,
        expectNext: rec.nextExecution,
        jobs: firing.map((instant) => ({
          type: rec.type,
          args: rec.args,
          queue: rec.queue,
          state: "Enqueued" as const,
          reason: "Triggered by recurring job scheduler",
          maxRetries,
          uniqueKey: `recurring:${rec.id}:${instant}`,
          recurringId: rec.id,
          scheduledFor: instant,
        })),
        // A catch-up after a trigger-now must not move the last execution back to an earlier tick.
        lastExecution: runs.length ? Math.max(runs.at(-1)!, rec.lastExecution ?? -Infinity) : (rec.lastExecution ?? now),
        nextExecution: next,
        skipIfUnfinished: skip,
      },
      now,
    );
    const unfinished = fired?.unfinished;
    if (unfinished && runs.length) {
      this.#d.logger.info(
        `Recurring job ${rec.id}: ${runs.length === 1 ? "a tick" : `${runs.length} ticks`} skipped, its run (job ${unfinished.jobId}) is still ${unfinished.state}`,
      );
      this.#d.events.emit("recurring:skipped", { recurringId: rec.id, instants: runs, unfinishedJobId: unfinished.jobId });
    } else if (fired && runs.length) {
      if (firing.length < runs.length) {
        this.#d.logger.info(`Recurring job ${rec.id}: ${runs.length} missed ticks run once (overlap: skip runs one at a time)`);
      }
      this.#d.events.emit("recurring:fired", { recurringId: rec.id, instants: firing, jobIds: fired.jobIds, latenessMs: now - runs.at(-1)! });
      if (fired.created) this.#d.onWork();
    }
    return next;
  }
}
