// Every ledger write of the runtime goes through here: whatever arrives while the event loop is
// busy — new jobs, completions, progress, log lines — is committed in ONE transaction at the next
// turn, together with the claim of new work for free worker slots. Callers are answered only
// after that commit: nothing is acknowledged before it is durable.
//
// Group commits are where throughput comes from (SQLite: ~56k autocommits/s vs >1M rows/s in one
// transaction); the delay they add is one event-loop turn.
import { setImmediate } from "node:timers";
import type { Logger } from "../../logger.ts";
import type { ClaimedJob, ClaimRequest, Ledger, LogLine, NewJob, ProgressUpdate, Transition, WriteResult } from "../../ledger/ledger.ts";
import type { Clock } from "./clock.ts";

export interface TransitionRequest {
  transition: Transition;
  /** After the commit: whether the guard let it apply. */
  done(applied: boolean): void;
  /** The commit failed. Internal writes (completions) retry; API writes reject. */
  failed(err: unknown): void;
}

interface JobRequest {
  job: NewJob;
  resolve(r: { id: string; created: boolean }): void;
  reject(err: unknown): void;
}

export interface ClaimSource {
  /**
   * Worker slots wanting a job now (a worker id per job); null when none or no work is expected.
   * `newJobs`: how many Enqueued jobs this commit inserts (the claim may take them as it does).
   */
  wantSlots(newJobs: number): ClaimRequest | null;
  /**
   * The answer to a request, after its commit; `failed`: the commit failed and claimed nothing.
   * `completed`: claimed jobs the commit also recorded Succeeded (ClaimRequest.collectSuccesses).
   */
  claimed(jobs: ClaimedJob[], request: ClaimRequest, failed?: boolean, completed?: string[]): void;
}

const RETRY_DELAYS_MS = [50, 200, 1000, 5000];
/** A commit this long after the previous one ended is not part of a burst. */
const QUIET_MS = 1;

export class GroupCommit {
  #ledger: Ledger;
  #clock: Clock;
  #log: Logger;
  #claims: ClaimSource | null = null;
  #jobs: JobRequest[] = [];
  #transitions: TransitionRequest[] = [];
  #progress = new Map<string, ProgressUpdate>();
  #logs: LogLine[] = [];
  #queued = false;
  #running: Promise<void> | null = null;
  #again = false;
  #failures = 0;
  #retryTimer: ReturnType<Clock["setTimeout"]> | null = null;
  /** settle() calls waiting for the retry timer to fire. */
  #retryWaiters: (() => void)[] = [];
  #closed = false;
  #lastCommitEnd = 0;
  /** Commits so far and rows they carried (for /metrics and the benchmark). */
  readonly stats = { commits: 0, jobs: 0, transitions: 0, claimed: 0, completedInClaim: 0 };

  constructor(deps: { ledger: Ledger; clock: Clock; logger: Logger }) {
    this.#ledger = deps.ledger;
    this.#clock = deps.clock;
    this.#log = deps.logger;
  }

  setClaimSource(source: ClaimSource) {
    this.#claims = source;
  }

  addJobs(jobs: NewJob[]): Promise<{ id: string; created: boolean }[]> {
    if (this.#closed) return Promise.reject(new Error("the runtime is stopped; no job can be created"));
    const out = Promise.all(jobs.map((job) => new Promise<{ id: string; created: boolean }>((resolve, reject) => this.#jobs.push({ job, resolve, reject }))));
    this.poke();
    return out;
  }

  addTransition(req: TransitionRequest) {
    this.#transitions.push(req);
    this.poke();
  }

  setProgress(p: ProgressUpdate) {
    this.#progress.set(p.jobId, p);
    this.poke();
  }

  addLog(line: LogLine) {
    this.#logs.push(line);
    this.poke();
  }

  /**
   * Something changed (work may be claimable, writes pending): commit soon. After a quiet spell
   * the commit runs as a microtask, right after the caller's synchronous code (lowest pickup
   * latency); while commits follow each other it waits for the next event-loop turn, so
   * everything that arrived meanwhile shares one transaction.
   */
  poke() {
    if (this.#queued || this.#retryTimer) return;
    this.#queued = true;
    if (!this.#running && performance.now() - this.#lastCommitEnd > QUIET_MS) queueMicrotask(() => void this.#run());
    else setImmediate(() => void this.#run());
  }

  /**
   * Resolves when everything queued so far is committed. `retryForMs`: writes waiting to be
   * retried after a failed commit (a job's completion, say) are waited for that long too, instead
   * of being given up (a stopping server must not drop them).
   */
  async settle(retryForMs = 0): Promise<void> {
    // Bounded in real time: under a virtual clock nobody may move, the retry would never come.
    const until = performance.now() + retryForMs;
    for (let i = 0; i < 1000 && (this.#running || this.#queued || this.#hasWrites()); i++) {
      if (this.#running) await this.#running;
      else if (this.#retryTimer && performance.now() < until) await this.#retried(until - performance.now());
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  /** The pending retry has run, or `ms` passed. Holds the process open meanwhile: the clock's timers do not. */
  #retried(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const limit = setTimeout(done, ms);
      this.#retryWaiters.push(done);
      function done() {
        clearTimeout(limit);
        resolve();
      }
    });
  }

  close() {
    this.#closed = true;
    if (this.#retryTimer) this.#clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    for (const w of this.#retryWaiters.splice(0)) w();
  }

  #hasWrites() {
    return this.#jobs.length > 0 || this.#transitions.length > 0 || this.#progress.size > 0 || this.#logs.length > 0;
  }

  async #run() {
    this.#queued = false;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#commit();
    await this.#running;
    this.#running = null;
    this.#lastCommitEnd = performance.now();
    if (this.#again || this.#hasWrites()) {
      this.#again = false;
      this.poke();
    }
  }

  async #commit() {
    const jobs = this.#jobs;
    const transitions = this.#transitions;
    const progress = [...this.#progress.values()];
    const logs = this.#logs;
    const claim = this.#closed ? null : (this.#claims?.wantSlots(jobs.reduce((n, j) => n + (j.job.state === "Enqueued" ? 1 : 0), 0)) ?? null);
    if (!jobs.length && !transitions.length && !progress.length && !logs.length && !claim) return;
    this.#jobs = [];
    this.#transitions = [];
    this.#progress = new Map();
    this.#logs = [];

    let result: WriteResult;
    try {
      result = await this.#ledger.write({
        now: this.#clock.now(),
        jobs: jobs.map((j) => j.job),
        transitions: transitions.map((t) => t.transition),
        progress,
        logs,
        claim: claim ?? undefined,
      });
    } catch (err) {
      this.#onFailure(err, jobs, transitions, progress, logs);
      // Nothing was claimed, but work may still be waiting: the pool keeps looking.
      if (claim) this.#claims?.claimed([], claim, true);
      return;
    }
    this.#failures = 0;
    this.stats.commits++;
    this.stats.jobs += jobs.length;
    this.stats.transitions += transitions.length;
    this.stats.claimed += result.claimed.length;
    this.stats.completedInClaim += result.completed?.length ?? 0;
    jobs.forEach((j, i) => j.resolve(result.jobs[i]));
    transitions.forEach((t, i) => t.done(result.applied[i]));
    if (claim) this.#claims?.claimed(result.claimed, claim, false, result.completed);
  }

  #onFailure(err: unknown, jobs: JobRequest[], transitions: TransitionRequest[], progress: ProgressUpdate[], logs: LogLine[]) {
    const delay = RETRY_DELAYS_MS[Math.min(this.#failures, RETRY_DELAYS_MS.length - 1)];
    this.#failures++;
    this.#log.error(`Ledger write failed (${jobs.length} jobs, ${transitions.length} state changes); retrying in ${delay} ms`, err);
    // The back-off timer first: callbacks below re-queue writes and poke, which must wait for it.
    if (!this.#retryTimer && !this.#closed) {
      this.#retryTimer = this.#clock.setTimeout(() => {
        this.#retryTimer = null;
        this.poke();
        for (const w of this.#retryWaiters.splice(0)) w();
      }, delay);
    }
    for (const j of jobs) j.reject(err);
    for (const t of transitions) t.failed(err);
    // Progress and log lines get a few more tries (newer progress wins), then are dropped: they
    // must never keep state changes from committing.
    if (this.#failures <= 3) {
      for (const p of progress) if (!this.#progress.has(p.jobId)) this.#progress.set(p.jobId, p);
      this.#logs = logs.concat(this.#logs);
    }
  }
}
