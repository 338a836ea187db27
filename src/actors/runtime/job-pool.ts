// The job workers: WORKER_COUNT supervised actors, each a worker thread with a mailbox. The pool
// claims work for free slots (through the group commit), hands it to mailboxes, turns outcomes
// into state changes (retry policy included), stops hung jobs at their timeout by terminating
// their thread, and settles every job a dead thread held.
//
// Per slot:  inflight = jobs handed to the worker, in mailbox order; the first not yet reported is
// the one running (confirmed by the shared-memory slot the worker writes).
//
// Pipelining: while jobs are short (EWMA of durations < FAST_JOB_MS) a mailbox holds about
// MAILBOX_BUDGET_MS of expected work (at most `prefetch` jobs), so threads never wait for a round
// trip; with longer jobs it holds one. A job that runs long all the same does not hold the others
// hostage: after MAILBOX_STALL_MS they are taken back and requeued (#takeBack).
//
// Inside a claim's transaction: claimed jobs are handed to their threads before the commit (the
// thread starts while the commit lands; nothing is reported until it has), and while jobs are
// short the transaction waits up to COLLECT_WAIT_MS for them, so that the ledger writes a job that
// already succeeded once, as Succeeded, instead of claiming it now and completing it next commit.
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from "node:worker_threads";
import { type ErrorInfo, errorKinds, JobTimeoutError, WorkerDiedError } from "../../errors.ts";
import type { ClaimedJob, ClaimRequest, FastSuccess, Transition } from "../../ledger/ledger.ts";
import type { Logger } from "../../logger.ts";
import type { Clock, TimerHandle } from "./clock.ts";
import type { RuntimeEvents } from "./events.ts";
import type { ClaimSource, GroupCommit } from "./group-commit.ts";
import type { JobDefinition } from "./job-definition.ts";
import {
  CANCELLED_UNSTARTED,
  type FromJobWorker,
  GATE_GEN,
  GATE_LENGTH,
  GATE_OFFSET,
  GATE_STARTING,
  type JobOutcome,
  type JobWorkerData,
  REVOKED_UNSTARTED,
  RING_LENGTH,
  RING_OFFSET,
  type RunJob,
  SLOT_BYTES,
  SLOT_SEQ,
  SLOT_STARTED_AT,
  type ToJobWorker,
} from "./messages.ts";
import { decideRetry, type RetryPolicy } from "./retry-policy.ts";
import type { ActorInstance, ExitInfo, Supervisor } from "./supervisor.ts";
import type { RestartPolicy } from "./restart-policy.ts";
import { startWorkerThread } from "./worker-thread.ts";
import { monoNow } from "./wall-time.ts";

export interface JobType {
  def: JobDefinition<any, any>;
  policy: RetryPolicy;
  timeoutMs: number;
}

export interface JobPoolOptions {
  serverId: string;
  workerCount: number;
  /** At most this many jobs in a mailbox while jobs are short (default 128; see MAILBOX_BUDGET_MS). */
  prefetch?: number;
  leaseTtlMs: number;
  types: Map<string, JobType>;
  entryUrl: string;
  jobModules: string[];
  servicesModule: string | null;
  workerConfig: unknown;
  /** Heap limit per worker thread (MB); a job past it kills only its own thread. */
  workerMemoryMb?: number;
  rpc: Record<string, (...args: unknown[]) => Promise<unknown>>;
  random?: () => number;
  /** How job worker threads are restarted (default: the supervisor's). */
  restartPolicy?: RestartPolicy;
}

interface InFlight {
  seq: number;
  job: ClaimedJob;
  type: JobType | undefined;
  dispatchedAt: number;
  /** False until the claim that handed it off is committed: nothing about it is reported before. */
  committed: boolean;
  /** Its claim's commit failed: its run is aborted or dropped, and whatever it reports is ignored. */
  withdrawn: boolean;
  /** Its outcome, when it came before its claim was committed (settled once it is). */
  early: JobOutcome | null;
  /** Its thread died before its claim was committed: requeued, with this reason, once it is. */
  lost: string | null;
  /** Its worker's slot; null: its thread was gone at hand-off. */
  slot: Slot | null;
}

/** Outcomes collected inside a claim's transaction (ClaimRequest.collectSuccesses). */
interface Folding {
  waiting: Set<InFlight>;
  successes: Map<string, FastSuccess>;
  folded: { entry: InFlight; outcome: JobOutcome }[];
  /** The last progress each waiting run reported (by seq): written with its success. */
  progress: Map<number, { percent: number; message: string | null }>;
}

interface Slot {
  id: string;
  worker: Worker | null;
  /** The thread's messages (read asynchronously, and synchronously while collecting outcomes). */
  outbox: MessagePort | null;
  ready: boolean;
  inflight: InFlight[];
  shared: Float64Array;
  /** The Int32 gate after the slot (GATE_*): takes back waiting jobs without a message. */
  gate: Int32Array;
  /** The thread's last plain successes, [seq, durationMs] (RING_*). */
  ring: Float64Array;
  /** Seq of the run whose mailbox was taken back: no more jobs go there until it ends. */
  stalled: number | null;
  timer: TimerHandle | null;
  timerAt: number;
  /** Set when we terminate the thread ourselves, to tell a timeout from a crash. */
  killed: { seq: number; error: ErrorInfo } | null;
  lastError: ErrorInfo | null;
  readyWaiters: { resolve: () => void; reject: (err: Error) => void }[];
}

const FAST_JOB_MS = 2;
/** While jobs are short, a mailbox holds about this much of their expected work. */
const MAILBOX_BUDGET_MS = 4;
/** Claims at least this big wait for their short jobs inside the transaction... */
const COLLECT_MIN_JOBS = 8;
/** ...for at most this long (the thread is blocked meanwhile). */
const COLLECT_WAIT_MS = 1;
/** The watchdog's shortest period while the job it watches for has not started yet. */
const WATCHDOG_MIN_PERIOD_MS = 100;
/**
 * A job that has run this long with others waiting behind it in its mailbox: they are taken back
 * and requeued for any free thread, instead of waiting for it to end or time out.
 */
const MAILBOX_STALL_MS = 100;

export class JobPool implements ClaimSource {
  #o: Required<JobPoolOptions>;
  #commit: GroupCommit;
  #clock: Clock;
  #events: RuntimeEvents;
  #log: Logger;
  #supervisor: Supervisor;
  #slots: Slot[] = [];
  #seq = 0;
  #maybeWork = true;
  /** Older Enqueued jobs may be waiting (false once a claim came back short of what it asked). */
  #backlog = true;
  #accepting = true;
  #paused = false;
  #ewmaMs = Number.POSITIVE_INFINITY;
  #idleWaiters: (() => void)[] = [];
  /** Jobs handed to workers per claim whose commit has not answered yet. */
  #handedOff = new Map<ClaimRequest, InFlight[]>();
  /** Successes collected per claim whose commit has not answered yet. */
  #collected = new Map<ClaimRequest, Folding["folded"]>();
  #folding: Folding | null = null;
  /**
   * What the threads sent while a claim's transaction was collecting outcomes, other than
   * outcomes: handled once that claim is answered — never inside the transaction (listeners may
   * use the ledger) nor before the claim it may concern is committed.
   */
  #deferred: { slot: Slot; m: FromJobWorker }[] = [];
  /** Runs withdrawn and still in their threads (by seq): their reports are ignored. */
  #withdrawn = new Set<number>();
  /** Bumped by every worker after it sends outcomes (see JobWorkerData.signal). */
  #signal = new Int32Array(new SharedArrayBuffer(4));

  constructor(o: JobPoolOptions, deps: { commit: GroupCommit; clock: Clock; events: RuntimeEvents; logger: Logger; supervisor: Supervisor }) {
    this.#o = { ...o, prefetch: o.prefetch ?? 128, workerMemoryMb: o.workerMemoryMb ?? 0, random: o.random ?? Math.random } as Required<JobPoolOptions>;
    this.#commit = deps.commit;
    this.#clock = deps.clock;
    this.#events = deps.events;
    this.#log = deps.logger;
    this.#supervisor = deps.supervisor;
    deps.commit.setClaimSource(this);
  }

  /** Starts the worker threads; resolves when each has loaded its job modules. */
  async start(): Promise<void> {
    for (let i = 1; i <= this.#o.workerCount; i++) {
      const shared = new SharedArrayBuffer(SLOT_BYTES);
      const slot: Slot = {
        id: `${this.#o.serverId}:worker-${i}`,
        worker: null,
        ready: false,
        inflight: [],
        shared: new Float64Array(shared, 0, GATE_OFFSET / 8),
        gate: new Int32Array(shared, GATE_OFFSET, GATE_LENGTH),
        ring: new Float64Array(shared, RING_OFFSET, RING_LENGTH * 2),
        stalled: null,
        timer: null,
        timerAt: Infinity,
        killed: null,
        lastError: null,
        readyWaiters: [],
        outbox: null,
      };
      this.#slots.push(slot);
      this.#supervisor.supervise({
        id: `job-worker-${i}`,
        kind: "job-worker",
        restartPolicy: this.#o.restartPolicy,
        start: () => this.#startSlot(slot),
        onExit: (info, expected) => this.#onExit(slot, info, expected),
      });
    }
    // A thread that can never start (its job modules fail to load in a worker, say) ends with the
    // supervisor giving up on it: start-up fails with that reason instead of waiting forever.
    const off = this.#events.on("actor:state", (e) => {
      if (e.state !== "stopped") return;
      const slot = this.#slots[Number(/^job-worker-(\d+)$/.exec(e.actorId)?.[1] ?? 0) - 1];
      const err = new Error(`Job worker ${e.actorId} could not start: ${e.error ?? "it exited before it was ready"}`);
      for (const w of slot?.readyWaiters.splice(0) ?? []) w.reject(err);
    });
    // The clock's timers do not hold the process open; while a crashed thread waits for its
    // restart nothing else might, and Node would exit in the middle of start-up.
    const keepAlive = setInterval(() => undefined, 1_000);
    try {
      await Promise.all(this.#slots.map((s) => (s.ready ? undefined : new Promise<void>((resolve, reject) => s.readyWaiters.push({ resolve, reject })))));
    } finally {
      clearInterval(keepAlive);
      off();
    }
  }

  /**
   * New work may be claimable. `enqueued`: only because this process is creating jobs, which the
   * next commit may claim as it inserts them when no older work is known to wait. Anything else
   * (promotion, recovery, a retry, another process) may have made older work claimable.
   */
  wake(reason: "enqueued" | "other" = "other") {
    this.#maybeWork = true;
    if (reason === "other") this.#backlog = true;
    this.#commit.poke();
  }

  /** Stops or resumes taking new work (jobs already handed to workers finish). */
  setPaused(paused: boolean) {
    this.#paused = paused;
    if (!paused) this.wake();
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Stops claiming; resolves when no job is in flight or after `graceMs`. */
  async drain(graceMs: number): Promise<boolean> {
    this.#accepting = false;
    if (this.inflightCount() === 0) return true;
    let timer: TimerHandle | null = null;
    const idle = new Promise<boolean>((r) => this.#idleWaiters.push(() => r(true)));
    const late = new Promise<boolean>((r) => (timer = this.#clock.setTimeout(() => r(false), graceMs)));
    const done = await Promise.race([idle, late]);
    if (timer) this.#clock.clearTimeout(timer);
    return done;
  }

  inflightCount(): number {
    return this.#slots.reduce((n, s) => n + s.inflight.length, 0);
  }

  /** Which jobs each worker holds, for the dashboard and health. */
  snapshot() {
    return this.#slots.map((s) => {
      const running = this.#running(s);
      return { workerId: s.id, ready: s.ready, jobs: s.inflight.filter((f) => !f.withdrawn).map((f) => f.job.id), running: running && !running.withdrawn ? running.job.id : null };
    });
  }

  /** Asks the worker holding `jobId` to abort it, or drop it if not started (the job was deleted). */
  cancel(jobId: string, reason: string) {
    // A look through every mailbox: deletes are rare, and an index by job id costs every job.
    for (const slot of this.#slots) {
      const entry = slot.inflight.find((f) => f.job.id === jobId && !f.withdrawn);
      if (entry && slot.worker) return this.#send(slot, { t: "cancel", seq: entry.seq, reason });
    }
  }

  // ------------------------------------------------------------------ claim (called by the commit)

  wantSlots(newJobs = Number.POSITIVE_INFINITY): ClaimRequest | null {
    if (!this.#accepting || this.#paused || !this.#maybeWork) return null;
    const depth = this.#ewmaMs < FAST_JOB_MS ? Math.max(1, Math.min(this.#o.prefetch, Math.floor(MAILBOX_BUDGET_MS / this.#ewmaMs))) : 1;
    // No older work known to wait: only this commit's new jobs are there to claim (a lone enqueue
    // on an idle server asks for one slot, not for every free place in every mailbox). A claim
    // that comes back full asks again at the next turn, which finds any work another process added.
    const cap = this.#backlog ? Number.POSITIVE_INFINITY : Math.max(1, newJobs);
    const want: string[] = [];
    const open = this.#slots.filter((s) => s.ready && s.stalled === null && !this.#runsLong(s));
    // Round-robin so every thread gets a share of a backlog.
    for (let round = 0; round < depth && want.length < cap; round++) {
      for (const s of open) if (s.inflight.length <= round && want.length < cap) want.push(s.id);
    }
    if (!want.length) return null;
    const request: ClaimRequest = {
      serverId: this.#o.serverId,
      slots: want,
      leaseUntil: this.#clock.now() + this.#o.leaseTtlMs,
      claimNew: !this.#backlog,
      handOff: (jobs) => this.#handOff(jobs, request),
      collectSuccesses: (jobs) => this.#collectSuccesses(jobs, request),
    };
    return request;
  }

  /**
   * Inside the claim's transaction, before its commit: the jobs go to their workers now, so a
   * worker starts while the commit lands. Nothing is reported until `claimed` (after the commit).
   */
  #handOff(jobs: ClaimedJob[], request: ClaimRequest) {
    const now = this.#clock.now();
    let entries = this.#handedOff.get(request);
    if (!entries) this.#handedOff.set(request, (entries = []));
    const bySlot = new Map<Slot, RunJob[]>();
    for (const job of jobs) {
      const slot = this.#slot(job.workerId)!;
      const alive = slot.ready && !!slot.worker;
      const entry: InFlight = {
        seq: ++this.#seq,
        job,
        type: this.#o.types.get(job.type),
        dispatchedAt: now,
        committed: false,
        withdrawn: false,
        early: null,
        lost: null,
        slot: alive ? slot : null, // the thread died since it asked: requeued once the claim is committed
      };
      entries.push(entry);
      if (!alive) continue;
      slot.inflight.push(entry);
      let list = bySlot.get(slot);
      if (!list) bySlot.set(slot, (list = []));
      // The instant the job stands for (JobContext.scheduledFor): a tick's, else its creation, so a
      // retry of a manual run after midnight still writes the day it was asked for.
      const standsFor = job.scheduledFor ?? job.createdAt;
      list.push({ seq: entry.seq, jobId: job.id, type: job.type, args: job.args, attempt: job.attempt, scheduledFor: standsFor, gen: Atomics.load(slot.gate, GATE_GEN) });
    }
    for (const [slot, list] of bySlot) {
      this.#send(slot, { t: "run", jobs: list });
      this.#armWatchdog(slot);
    }
  }

  /**
   * Inside the claim's transaction, right after the hand-off: while its jobs are short, waits (at
   * most COLLECT_WAIT_MS, blocking this thread) for their outcomes, and gives back the successes
   * for the ledger to write as Succeeded in this same commit. Other outcomes read meanwhile are
   * handled as usual; other messages wait for the claim's answer (#deferred).
   */
  #collectSuccesses(jobs: ClaimedJob[], request: ClaimRequest): Map<string, FastSuccess> {
    const successes = new Map<string, FastSuccess>();
    if (!(this.#ewmaMs < FAST_JOB_MS) || jobs.length < COLLECT_MIN_JOBS) return successes;
    const ids = new Set(jobs.map((j) => j.id));
    const waiting = new Set((this.#handedOff.get(request) ?? []).filter((e) => e.slot && ids.has(e.job.id)));
    const folding: Folding = { waiting, successes, folded: [], progress: new Map() };
    this.#folding = folding;
    try {
      const deadline = performance.now() + COLLECT_WAIT_MS;
      for (;;) {
        const seen = Atomics.load(this.#signal, 0);
        for (const slot of this.#slots) this.#readOutbox(slot);
        const left = deadline - performance.now();
        if (!waiting.size || left <= 0) break;
        Atomics.wait(this.#signal, 0, seen, left);
      }
    } finally {
      this.#folding = null;
    }
    this.#collected.set(request, folding.folded);
    return successes;
  }

  /** Handles what the thread has sent so far, synchronously. */
  #readOutbox(slot: Slot) {
    if (!slot.outbox) return;
    for (let m = receiveMessageOnPort(slot.outbox); m; m = receiveMessageOnPort(slot.outbox)) this.#onMessage(slot, m.message as FromJobWorker);
  }

  claimed(jobs: ClaimedJob[], request: ClaimRequest, failed = false, completed: string[] = []) {
    // A ledger that does not hand off before its commit: hand off now.
    if (!failed && jobs.length && !this.#handedOff.has(request)) this.#handOff(jobs, request);
    const entries = this.#handedOff.get(request) ?? [];
    const folded = this.#collected.get(request) ?? [];
    this.#handedOff.delete(request);
    this.#collected.delete(request);
    if (failed) {
      // Jobs that ran while a failed commit was claiming them ran once more than the ledger knows.
      this.#withdraw(entries);
      this.#replayDeferred(new Set(entries.map((e) => e.seq)));
      return;
    }
    if (jobs.length < request.slots.length) this.#maybeWork = this.#backlog = false;
    else this.#backlog = true;
    for (const entry of entries) {
      const job = entry.job;
      entry.committed = true;
      this.#events.emit("job:processing", { jobId: job.id, type: job.type, attempt: job.attempt, workerId: job.workerId, latencyMs: entry.dispatchedAt - job.createdAt });
      if (!entry.slot) this.#requeue(entry, "Requeued: its worker thread restarted before the job started");
      else if (entry.early) this.#settle(entry, entry.early);
      else if (entry.lost) this.#requeue(entry, entry.lost);
      entry.early = null;
    }
    // Progress and log lines reported meanwhile come after job:processing and before job:succeeded.
    this.#replayDeferred();
    // The ledger writes every success it is given, unless it could not claim some of those jobs.
    const written = completed.length === folded.length ? null : new Set(completed);
    for (const { entry, outcome } of folded) {
      const job = entry.job;
      if (!written || written.has(job.id)) this.#events.emit("job:succeeded", { jobId: job.id, type: job.type, attempt: job.attempt, durationMs: outcome.durationMs });
      else this.#succeed(entry, outcome); // the ledger claimed it instead: complete it as usual
    }
    // A full batch means there may be more: ask again at the next turn.
    if (jobs.length && jobs.length === request.slots.length) this.#commit.poke();
  }

  /** Handles what was deferred while a claim collected outcomes; `drop`: runs whose reports to ignore. */
  #replayDeferred(drop?: Set<number>) {
    const deferred = this.#deferred;
    this.#deferred = [];
    for (const { slot, m } of deferred) {
      if (drop && (m.t === "progress" || m.t === "log") && drop.has(m.seq)) continue;
      this.#onMessage(slot, m);
    }
  }

  /**
   * The claim's commit failed: the jobs were never claimed, though they were handed to workers.
   * Their threads are told to drop them if not started and abort them if running; they stay in
   * their slots (a slot is busy while its thread is) until their outcome arrives, which is ignored.
   */
  #withdraw(entries: InFlight[]) {
    for (const entry of entries) {
      const slot = entry.slot;
      entry.early = null;
      if (!slot || !slot.inflight.includes(entry)) continue; // finished already: nothing to stop
      entry.withdrawn = true;
      this.#withdrawn.add(entry.seq);
      this.#send(slot, { t: "cancel", seq: entry.seq, reason: "The job was withdrawn: the ledger could not commit its claim" });
    }
  }

  #slot(id: string): Slot | undefined {
    return this.#slots.find((s) => s.id === id);
  }

  // ------------------------------------------------------------------ worker threads

  #startSlot(slot: Slot): ActorInstance {
    const channel = new MessageChannel();
    slot.ready = false;
    slot.killed = null;
    slot.lastError = null;
    slot.shared[SLOT_SEQ] = -1;
    slot.stalled = null;
    Atomics.store(slot.gate, GATE_STARTING, 0); // no job has seq 0
    const data: JobWorkerData = {
      kind: "job-worker",
      workerId: slot.id,
      jobModules: this.#o.jobModules,
      servicesModule: this.#o.servicesModule,
      config: this.#o.workerConfig,
      slot: slot.shared.buffer as SharedArrayBuffer,
      outbox: channel.port2,
      signal: this.#signal.buffer as SharedArrayBuffer,
    };
    const worker = startWorkerThread(this.#o.entryUrl, data, slot.id, this.#o.workerMemoryMb || undefined, [channel.port2]);
    slot.worker = worker;
    slot.outbox = channel.port1;
    channel.port1.on("message", (m: FromJobWorker) => this.#onMessage(slot, m));
    channel.port1.unref(); // the worker holds the process open, not its outbox
    worker.on("error", (err) => {
      slot.lastError = { type: err.name, message: err.message, stack: err.stack ?? String(err) };
    });
    const exited = new Promise<ExitInfo>((resolve) => worker.once("exit", (code) => resolve({ code, error: slot.lastError })));
    return {
      exited,
      stop: async () => {
        await worker.terminate();
      },
    };
  }

  #send(slot: Slot, msg: ToJobWorker) {
    slot.worker?.postMessage(msg);
  }

  #onMessage(slot: Slot, m: FromJobWorker) {
    const folding = this.#folding;
    if (folding && m.t !== "done") {
      // Inside a claim's transaction: only outcomes now (see #deferred); a waiting run's last
      // progress is kept to be written with its success.
      if (m.t === "progress") folding.progress.set(m.seq, { percent: clampPercent(m.percent), message: m.message == null ? null : String(m.message) });
      this.#deferred.push({ slot, m });
      return;
    }
    if ((m.t === "progress" || m.t === "log") && this.#withdrawn.has(m.seq)) return;
    switch (m.t) {
      case "ready":
        slot.ready = true;
        for (const w of slot.readyWaiters.splice(0)) w.resolve();
        this.wake();
        break;
      case "done":
        this.#onOutcomes(slot, m.outcomes);
        break;
      case "progress": {
        // Checked again here: whatever a thread sends must not be able to poison a group commit.
        const percent = clampPercent(m.percent);
        const message = m.message == null ? null : String(m.message);
        this.#commit.setProgress({ jobId: m.jobId, percent, message });
        this.#events.emit("job:progress", { jobId: m.jobId, percent, message });
        break;
      }
      case "log":
        if (!m.jobId) this.#log.error(m.message);
        else {
          this.#commit.addLog({ jobId: m.jobId, at: Number(m.at) || this.#clock.now(), level: m.level, message: String(m.message) });
          this.#events.emit("job:log", { jobId: m.jobId, at: m.at, level: m.level, message: m.message });
        }
        break;
      case "rpc":
        void this.#answerRpc(slot, m.id, m.method, m.args);
        break;
    }
  }

  async #answerRpc(slot: Slot, id: number, method: string, args: unknown[]) {
    const fn = this.#o.rpc[method];
    try {
      if (!fn) throw new TypeError(`no runtime method "${method}" is available to workers`);
      this.#send(slot, { t: "rpc-result", id, ok: true, value: await fn(...args) });
    } catch (err) {
      const e = err as Error;
      this.#send(slot, { t: "rpc-result", id, ok: false, error: { type: e.name ?? "Error", message: e.message ?? String(err), stack: e.stack ?? "" } });
    }
  }

  #onOutcomes(slot: Slot, outcomes: JobOutcome[]) {
    for (const o of outcomes) {
      // Outcomes come in mailbox order: nearly always the first.
      const i = slot.inflight[0]?.seq === o.seq ? 0 : slot.inflight.findIndex((f) => f.seq === o.seq);
      if (i < 0) continue;
      const entry = i === 0 ? slot.inflight.shift()! : slot.inflight.splice(i, 1)[0];
      if (slot.stalled === o.seq) slot.stalled = null;
      if (entry.withdrawn) {
        this.#withdrawn.delete(entry.seq);
        continue;
      }
      if (!o.ok && o.error?.type === REVOKED_UNSTARTED) {
        // Taken back (#takeBack) as it was about to start: it never ran.
        if (entry.committed) this.#requeue(entry, TAKEN_BACK);
        else entry.lost = TAKEN_BACK; // requeued once its claim is committed
        continue;
      }
      // A job dropped unstarted (deleted meanwhile) says nothing about how long jobs take.
      if (o.ok || o.error?.type !== CANCELLED_UNSTARTED) this.#ewmaMs = this.#ewmaMs === Infinity ? o.durationMs : this.#ewmaMs * 0.9 + o.durationMs * 0.1;
      const folding = this.#folding;
      if (o.ok && folding?.waiting.delete(entry)) {
        folding.successes.set(entry.job.id, { result: o.result, durationMs: o.durationMs, at: this.#clock.now(), progress: folding.progress.get(entry.seq) });
        folding.folded.push({ entry, outcome: o });
      } else if (!entry.committed) entry.early = o; // settled once its claim is committed
      else this.#settle(entry, o);
    }
    // The next job in the mailbox may have a shorter timeout than the one the watchdog was set for.
    if (!slot.inflight.length) this.#disarmWatchdog(slot);
    else this.#armWatchdog(slot);
    this.#afterSettle();
  }

  #afterSettle() {
    if (this.#accepting) this.#commit.poke();
    else if (this.inflightCount() === 0) for (const w of this.#idleWaiters.splice(0)) w();
  }

  #settle(entry: InFlight, o: JobOutcome) {
    if (o.ok) this.#succeed(entry, o);
    else this.#fail(entry, o.error!, o.durationMs);
  }

  /** Its job has run MAILBOX_STALL_MS: what it would be given now would only be taken back. */
  #runsLong(slot: Slot): boolean {
    return slot.shared[SLOT_SEQ] >= 0 && monoNow() - slot.shared[SLOT_STARTED_AT] >= MAILBOX_STALL_MS;
  }

  #running(slot: Slot): InFlight | undefined {
    const seq = slot.shared[SLOT_SEQ];
    return seq >= 0 ? slot.inflight.find((f) => f.seq === seq) : undefined;
  }

  #onExit(slot: Slot, info: ExitInfo, expected: boolean) {
    // What it sent before it died comes first (its outbox is not ordered with its exit).
    this.#readOutbox(slot);
    slot.outbox?.close();
    slot.outbox = null;
    slot.ready = false;
    slot.worker = null;
    slot.stalled = null;
    this.#disarmWatchdog(slot);
    const running = this.#running(slot);
    const held = slot.inflight.splice(0);
    // What it ran to the end without reporting it: held before the job it last took up.
    const starting = Atomics.load(slot.gate, GATE_STARTING);
    const ranUpTo = held.findIndex((f) => (f.seq | 0) === starting);
    const succeeded = this.#unreportedSuccesses(slot);
    for (const [i, entry] of held.entries()) {
      if (entry.withdrawn) {
        this.#withdrawn.delete(entry.seq);
        continue;
      }
      const durationMs = succeeded.get(entry.seq);
      if (!entry.committed) {
        // Its claim is still being committed: settled once it is (withdrawn if it fails).
        if (durationMs !== undefined) entry.early = { seq: entry.seq, jobId: entry.job.id, ok: true, result: null, durationMs };
        else entry.lost = "Requeued: its worker thread died before its claim was committed";
        continue;
      }
      if (durationMs !== undefined) {
        // It succeeded (and returned nothing); only its report was lost with the thread, which
        // may even have been stopped for this job's timeout just after it returned.
        this.#succeed(entry, { seq: entry.seq, jobId: entry.job.id, ok: true, result: null, durationMs });
      } else if (expected) {
        this.#requeue(entry, "Requeued: the server is shutting down");
      } else if (entry === running && slot.killed && slot.killed.seq !== entry.seq) {
        // We terminated the thread for another job's timeout just after this one started.
        this.#requeue(entry, "Requeued: its worker thread was stopped for another job's timeout");
      } else if (entry === running) {
        const error =
          slot.killed?.seq === entry.seq
            ? slot.killed.error
            : infoOf(
                new WorkerDiedError(
                  info.error
                    ? `The worker thread died while running the job: ${info.error.type}: ${info.error.message}`
                    : `The worker thread exited with code ${info.code} while running the job`,
                ),
                info.error?.stack,
              );
        this.#fail(entry, error, monoNow() - slot.shared[SLOT_STARTED_AT]);
      } else if (i < ranUpTo) {
        // It ran to the end, but how is not known: run it again (at least once).
        this.#requeue(entry, "Requeued: it ran, but its outcome was lost with its worker thread");
      } else {
        this.#requeue(entry, "Requeued: its worker thread died before the job started");
      }
    }
    this.#afterSettle();
  }

  /**
   * The plain successes a dead thread's ring holds (by seq), reported or not: only those still
   * held are looked up. Read after the thread is gone, so nothing writes meanwhile.
   */
  #unreportedSuccesses(slot: Slot): Map<number, number> {
    const out = new Map<number, number>();
    for (let at = 0; at < RING_LENGTH * 2; at += 2) if (slot.ring[at] > 0) out.set(slot.ring[at], slot.ring[at + 1]);
    return out;
  }

  // ------------------------------------------------------------------ timeouts

  /**
   * Set for the earliest instant a job in the mailbox could pass its timeout: the running one's
   * deadline, or now plus the timeout of one still waiting (it may start, and hang, any moment
   * without a message: only the shared slot says so); and, while jobs wait behind another, for
   * when it would have run MAILBOX_STALL_MS. A check that finds nothing late re-arms.
   */
  #armWatchdog(slot: Slot) {
    if (!slot.inflight.length) return this.#disarmWatchdog(slot);
    // Elapsed time, on the scale of the workers' stamps (monoNow): not the wall clock.
    const now = monoNow();
    const running = this.#running(slot);
    let deadline = Infinity;
    for (const entry of slot.inflight) {
      const timeout = entry.type?.timeoutMs ?? 30 * 60_000;
      // A waiting job is looked at again at most every WATCHDOG_MIN_PERIOD_MS: a tiny timeout
      // behind a long job must not make the timer fire continuously.
      deadline = Math.min(deadline, entry === running ? slot.shared[SLOT_STARTED_AT] + timeout : now + Math.max(timeout, WATCHDOG_MIN_PERIOD_MS));
    }
    // Only while something waits behind what runs (an outcome not yet reported sits before it).
    if (slot.stalled === null && (running ? slot.inflight.indexOf(running) : 0) < slot.inflight.length - 1) {
      deadline = Math.min(deadline, (running ? slot.shared[SLOT_STARTED_AT] : now) + MAILBOX_STALL_MS);
    }
    if (slot.timer && slot.timerAt <= deadline) return;
    if (slot.timer) this.#clock.clearTimeout(slot.timer);
    slot.timerAt = deadline;
    slot.timer = this.#clock.setTimeout(() => this.#checkTimeout(slot), Math.max(0, deadline - monoNow()));
  }

  #disarmWatchdog(slot: Slot) {
    if (slot.timer) this.#clock.clearTimeout(slot.timer);
    slot.timer = null;
    slot.timerAt = Infinity;
  }

  #checkTimeout(slot: Slot) {
    slot.timer = null;
    slot.timerAt = Infinity;
    const entry = this.#running(slot);
    if (entry) {
      const timeoutMs = entry.type?.timeoutMs ?? 30 * 60_000;
      if (monoNow() - slot.shared[SLOT_STARTED_AT] >= timeoutMs) {
        const err = new JobTimeoutError(`Job ran past its timeout of ${formatMs(timeoutMs)}; its worker thread was terminated`);
        slot.killed = { seq: entry.seq, error: infoOf(err) };
        this.#log.warn(`Job ${entry.job.id} (${entry.job.type}) timed out after ${formatMs(timeoutMs)}; terminating ${slot.id}`);
        void slot.worker?.terminate();
        return;
      }
      if (slot.stalled === null && monoNow() - slot.shared[SLOT_STARTED_AT] >= MAILBOX_STALL_MS) this.#takeBack(slot, entry);
    }
    this.#armWatchdog(slot);
  }

  /**
   * `running` has run MAILBOX_STALL_MS with jobs waiting behind it in its mailbox: those are taken
   * back through the slot's gate (the thread will skip them, even if it is hung now and comes back
   * later) and requeued for any free thread. The thread gets no more work until `running` ends.
   */
  #takeBack(slot: Slot, running: InFlight) {
    const after = slot.inflight.indexOf(running) + 1;
    if (!after || after === slot.inflight.length) return;
    slot.stalled = running.seq;
    Atomics.add(slot.gate, GATE_GEN, 1);
    // Every job after the one the thread last took up will now be skipped; that one may have
    // started (the thread moved on meanwhile) and is left to report.
    const starting = Atomics.load(slot.gate, GATE_STARTING);
    const last = slot.inflight.findIndex((f) => (f.seq | 0) === starting);
    const from = Math.max(after, last + 1);
    const taken = slot.inflight.slice(from).filter((f) => !f.withdrawn);
    if (!taken.length) return;
    slot.inflight = slot.inflight.filter((f) => !taken.includes(f));
    this.#log.info(`Job ${running.job.id} (${running.job.type}) has run ${formatMs(MAILBOX_STALL_MS)} on ${slot.id}; ${taken.length} job(s) waiting behind it requeued`);
    for (const entry of taken) {
      if (entry.committed) this.#requeue(entry, TAKEN_BACK);
      else entry.lost = TAKEN_BACK; // its claim is still being committed: requeued once it is
    }
  }

  // ------------------------------------------------------------------ state changes

  #fence(entry: InFlight) {
    return { serverId: this.#o.serverId, attempt: entry.job.attempt };
  }

  #succeed(entry: InFlight, o: JobOutcome) {
    this.#write(
      { jobId: entry.job.id, from: ["Processing"], fence: this.#fence(entry), to: "Succeeded", reason: null, at: this.#clock.now(), result: o.result, durationMs: o.durationMs },
      () => this.#events.emit("job:succeeded", { jobId: entry.job.id, type: entry.job.type, attempt: entry.job.attempt, durationMs: o.durationMs }),
    );
  }

  #fail(entry: InFlight, error: ErrorInfo, durationMs: number) {
    const now = this.#clock.now();
    const policy = entry.type?.policy ?? { maxRetries: entry.job.maxRetries };
    const decision = decideRetry({ ...policy, maxRetries: entry.job.maxRetries }, entry.job.attempt, error, this.#o.random);
    let t: Transition;
    let retryAt: number | null = null;
    if (decision.retry) {
      retryAt = now + decision.delayMs;
      t = {
        jobId: entry.job.id,
        from: ["Processing"],
        fence: this.#fence(entry),
        to: decision.delayMs > 0 ? "Scheduled" : "Enqueued",
        reason: decision.reason,
        at: now,
        via: [{ state: "Failed", reason: `An exception occurred during performance of the job: ${error.type}` }],
        enqueueAt: retryAt,
        error,
        durationMs,
      };
    } else if (decision.then === "Deleted") {
      // Its retries ran out and its type says delete (Hangfire's OnAttemptsExceeded = Delete):
      // the failure stays in its history, and the job expires with the retention.
      const failed = { state: "Failed" as const, reason: `An exception occurred during performance of the job: ${error.type}` };
      t = { jobId: entry.job.id, from: ["Processing"], fence: this.#fence(entry), to: "Deleted", reason: decision.reason, at: now, via: [failed], error, durationMs };
    } else {
      t = { jobId: entry.job.id, from: ["Processing"], fence: this.#fence(entry), to: "Failed", reason: decision.reason, at: now, error, durationMs };
    }
    this.#write(t, () => {
      this.#events.emit("job:failed", { jobId: entry.job.id, type: entry.job.type, attempt: entry.job.attempt, error, retryAt, reason: decision.reason });
      if (t.to === "Deleted") this.#events.emit("job:deleted", { jobId: entry.job.id, reason: decision.reason });
      if (t.to === "Enqueued") this.wake();
      if (t.to === "Scheduled") this.onScheduled?.(retryAt!);
    });
  }

  #requeue(entry: InFlight, reason: string) {
    this.#write({ jobId: entry.job.id, from: ["Processing"], fence: this.#fence(entry), to: "Enqueued", reason, at: this.#clock.now(), releaseAttempt: true }, () => {
      this.#events.emit("job:requeued", { jobId: entry.job.id, reason });
      this.wake();
    });
  }

  /** Set by the runtime: a retry was scheduled at `at` (the scheduler re-arms its timer). */
  onScheduled: ((at: number) => void) | null = null;

  #write(transition: Transition, after: () => void) {
    this.#commit.addTransition({
      transition,
      done: (applied) => applied && after(),
      // The ledger is failing: keep the completion and try again; the job is still ours (lease).
      failed: () => this.#write(transition, after),
    });
  }
}

const TAKEN_BACK = "Requeued: it waited behind a job that ran long in its worker's mailbox";

function clampPercent(p: unknown): number {
  return Math.max(0, Math.min(100, Number(p) || 0));
}

function infoOf(err: Error, extraStack?: string): ErrorInfo {
  const stack = (err.stack ?? `${err.name}: ${err.message}`) + (extraStack ? `\n--- in the worker ---\n${extraStack}` : "");
  return { type: err.name, message: err.message, stack, kinds: errorKinds(err) };
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
