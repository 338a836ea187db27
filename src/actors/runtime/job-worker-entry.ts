// Inside a job worker thread: a mailbox of jobs run one at a time, in the order they arrived.
//
//   idle ──run──▶ running ──outcome──▶ (next in mailbox) … ──empty──▶ idle
//
// What runs right now is written to shared memory (seq, start time) so the main thread can tell
// which job hangs — and terminate this thread — without a message this thread could never send.
// Outcomes of fast jobs are sent in small batches: one message per job would cost the main thread
// more than the jobs themselves.
import { parentPort, workerData } from "node:worker_threads";
import { setImmediate } from "node:timers";
import { toErrorInfo } from "../../errors.ts";
import type { JobContext, JobDefinition, JobModule } from "./job-definition.ts";
import {
  CANCELLED_UNSTARTED,
  type FromJobWorker,
  GATE_DONE,
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
  SLOT_SEQ,
  SLOT_STARTED_AT,
  type ToJobWorker,
} from "./messages.ts";
import { monoNow } from "./wall-time.ts";

const data = workerData as JobWorkerData;
const port = parentPort!;
const slot = new Float64Array(data.slot, 0, GATE_OFFSET / 8);
const gate = new Int32Array(data.slot, GATE_OFFSET, GATE_LENGTH);
const ring = new Float64Array(data.slot, RING_OFFSET, RING_LENGTH * 2);
// Stamps and durations are elapsed time: the main thread compares them with monoNow, which a step
// of the wall clock does not move (a job must not time out because NTP stepped the clock).
const now = monoNow;
const outbox = data.outbox;
const signal = new Int32Array(data.signal);
const send = (m: FromJobWorker) => outbox.postMessage(m);

const MAX_BATCH = 64;
const MAX_BATCH_AGE_MS = 1;

const definitions = new Map<string, JobDefinition>();
for (const url of data.jobModules) {
  const mod = (await import(url)) as JobModule;
  for (const def of mod.jobs) definitions.set(def.type, def);
}

const rpcWaiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let rpcSeq = 0;
function rpc(method: string, ...args: unknown[]): Promise<unknown> {
  const id = ++rpcSeq;
  return new Promise((resolve, reject) => {
    rpcWaiting.set(id, { resolve, reject });
    send({ t: "rpc", id, method, args });
  });
}

// Backing services (catalog, cache, search, bus) are created on the first job, not at start:
// an idle worker stays a bare thread (~8 MB instead of ~20 MB), and a dependency that was down
// when the thread started is simply tried again by the next job.
let services: unknown = undefined;
let servicesReady: Promise<unknown> | null = null;

function ensureServices(): Promise<unknown> {
  if (!data.servicesModule) return Promise.resolve(undefined);
  servicesReady ??= (async () => {
    const mod = (await import(data.servicesModule!)) as {
      createServices(config: unknown, rpc: (method: string, ...args: unknown[]) => Promise<unknown>): Promise<unknown>;
    };
    return (services = await mod.createServices(data.config, rpc));
  })().catch((err: unknown) => {
    servicesReady = null;
    const cause = err instanceof Error ? err : new Error(String(err));
    // This job gets a stand-in whose every use throws the reason (jobs that touch no service run);
    // the next job tries to create the services again.
    return (new Proxy(
      {},
      {
        get() {
          throw new Error(`Backing services could not be created in this worker: ${cause.message}`, { cause });
        },
      },
    ));
  });
  return servicesReady;
}

/**
 * What a running job sees. A class instance, not an object literal with a getter and closures:
 * for short jobs those allocations (and the worker GC they drive) cost more than the jobs.
 * `progress` and `log` are own properties, so job code may take them off the context or spread
 * it; `signal` is a getter (the AbortController is made only when a job reads it — most never
 * do), so a spread copy does not carry it.
 */
class RunningJob implements JobContext {
  readonly jobId: string;
  readonly type: string;
  readonly args: unknown;
  readonly attempt: number;
  readonly scheduledFor: number | null;
  services: unknown;
  readonly progress: JobContext["progress"];
  readonly log: JobContext["log"];
  #seq: number;
  #started: number;
  #abortedWith: Error | null = null;
  #controller: AbortController | null = null;
  #lastPercent = -1;

  constructor(job: RunJob, started: number) {
    this.jobId = job.jobId;
    this.type = job.type;
    this.args = job.args;
    this.attempt = job.attempt;
    this.scheduledFor = job.scheduledFor;
    this.services = services;
    this.#seq = job.seq;
    this.#started = started;
    // Reports after the job returned are dropped: the run is over (and may have been withdrawn,
    // its job id given to another job).
    this.progress = (percent, message) => {
      if (!running.has(this.#seq)) return;
      const p = Math.max(0, Math.min(100, Number(percent) || 0));
      if (p === this.#lastPercent && message === undefined) return;
      this.#lastPercent = p;
      // Plain-JS job code may pass anything: only a string (or nothing) reaches the ledger.
      send({ t: "progress", seq: this.#seq, jobId: this.jobId, percent: p, message: message == null ? null : String(message) });
    };
    this.log = (message, level = "info") => {
      if (!running.has(this.#seq)) return;
      send({ t: "log", seq: this.#seq, jobId: this.jobId, at: now(), level, message: String(message) });
    };
  }

  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#abortedWith) this.#controller.abort(this.#abortedWith);
    }
    return this.#controller.signal;
  }

  /** The job was deleted or withdrawn (static: job code sees only JobContext). */
  static abort(job: RunningJob, reason: Error) {
    job.#abortedWith = reason;
    job.#controller?.abort(reason);
  }

  static succeeded(job: RunningJob, result: unknown): JobOutcome {
    running.delete(job.#seq);
    const durationMs = now() - job.#started;
    if (result === undefined || result === null) {
      // Known at once to the main thread, even if this thread never sends its batch (GATE_DONE).
      const done = Atomics.load(gate, GATE_DONE);
      const at = (done & (RING_LENGTH - 1)) * 2; // a power of two: right even once the count wraps
      ring[at] = job.#seq;
      ring[at + 1] = durationMs;
      Atomics.store(gate, GATE_DONE, done + 1);
    }
    return { seq: job.#seq, jobId: job.jobId, ok: true, result: result === undefined ? null : result, durationMs };
  }

  static failed(job: RunningJob, err: unknown): JobOutcome {
    running.delete(job.#seq);
    return { seq: job.#seq, jobId: job.jobId, ok: false, error: toErrorInfo(err), durationMs: now() - job.#started };
  }
}

const mailbox: RunJob[] = [];
/** Running jobs, by seq: what a cancel message finds. */
const running = new Map<number, RunningJob>();
let outcomes: JobOutcome[] = [];
let oldestOutcomeAt = 0;
let flushQueued = false;
let pumping = false;
let lastType = "";
slot[SLOT_SEQ] = -1;

function flush() {
  flushQueued = false;
  if (!outcomes.length) return;
  send({ t: "done", outcomes });
  outcomes = [];
  // A main thread collecting short jobs inside a claim's transaction waits on this.
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function record(o: JobOutcome) {
  if (!outcomes.length) oldestOutcomeAt = now();
  outcomes.push(o);
  if (outcomes.length >= MAX_BATCH) flush();
  else if (!flushQueued) {
    flushQueued = true;
    setImmediate(flush); // runs as soon as the loop yields: at once for an idle worker
  }
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return x !== null && (typeof x === "object" || typeof x === "function") && typeof (x as { then?: unknown }).then === "function";
}

/**
 * Runs one job. A job whose code returns synchronously gets its outcome synchronously: no
 * promise, no microtask turn, no AbortController unless it asks for its signal — for short
 * jobs these cost more than the job itself.
 */
function execute(job: RunJob, started: number): JobOutcome | Promise<JobOutcome> {
  const def = definitions.get(job.type);
  const ctx = new RunningJob(job, started);
  running.set(job.seq, ctx);
  try {
    if (!def) throw new TypeError(`No job type "${job.type}" is registered in this worker`);
    if (services === undefined && data.servicesModule) {
      return ensureServices().then((s) => {
        ctx.services = s;
        return new Promise((resolve) => resolve(def.run(ctx))).then(
          (r) => RunningJob.succeeded(ctx, r),
          (e) => RunningJob.failed(ctx, e),
        );
      });
    }
    const result = def.run(ctx);
    if (!isThenable(result)) return RunningJob.succeeded(ctx, result);
    return Promise.resolve(result).then(
      (r) => RunningJob.succeeded(ctx, r),
      (e) => RunningJob.failed(ctx, e),
    );
  } catch (err) {
    return RunningJob.failed(ctx, err);
  }
}

/** Runs the mailbox in order; yields to the event loop only while a job awaits something. */
function pump() {
  if (pumping) return;
  pumping = true;
  while (mailbox.length) {
    const job = mailbox.shift()!;
    // Report what finished before a job that may hang: its outcomes would wait for the thread to
    // be terminated, and the jobs would run again. Jobs of one type that ran back to back are
    // batched (what a drain of short jobs depends on); another type, or a batch over 1 ms old, is
    // reported first.
    if (outcomes.length && (job.type !== lastType || now() - oldestOutcomeAt > MAX_BATCH_AGE_MS)) flush();
    // Taken back by the main thread while it waited behind a job that ran long (see GATE_GEN).
    Atomics.store(gate, GATE_STARTING, job.seq | 0);
    if (job.gen !== Atomics.load(gate, GATE_GEN)) {
      record({ seq: job.seq, jobId: job.jobId, ok: false, error: { type: REVOKED_UNSTARTED, message: "taken back before it started", stack: "" }, durationMs: 0 });
      continue;
    }
    lastType = job.type;
    const started = now();
    slot[SLOT_STARTED_AT] = started;
    slot[SLOT_SEQ] = job.seq;
    const outcome = execute(job, started);
    if (outcome instanceof Promise) {
      void outcome.then((o) => {
        slot[SLOT_SEQ] = -1;
        record(o);
        // Reported before the next job starts: if that one hangs, this outcome must not wait for
        // the thread to be terminated (the job would then run again).
        flush();
        pumping = false;
        pump();
      });
      return;
    }
    slot[SLOT_SEQ] = -1;
    record(outcome);
  }
  pumping = false;
}

port.on("message", (msg: ToJobWorker) => {
  switch (msg.t) {
    case "run":
      for (const j of msg.jobs) mailbox.push(j);
      pump();
      break;
    case "cancel": {
      const job = running.get(msg.seq);
      if (job) {
        RunningJob.abort(job, new Error(msg.reason));
        break;
      }
      // Not started yet: it never will be. Its outcome says so, which frees its place in the pool.
      const i = mailbox.findIndex((j) => j.seq === msg.seq);
      if (i >= 0) {
        const [dropped] = mailbox.splice(i, 1);
        record({ seq: dropped.seq, jobId: dropped.jobId, ok: false, error: { type: CANCELLED_UNSTARTED, message: msg.reason, stack: "" }, durationMs: 0 });
      }
      break;
    }
    case "rpc-result": {
      const w = rpcWaiting.get(msg.id);
      rpcWaiting.delete(msg.id);
      if (!w) break;
      if (msg.ok) w.resolve(msg.value);
      else w.reject(Object.assign(new Error(msg.error.message), { name: msg.error.type }));
      break;
    }
  }
});

send({ t: "ready", types: [...definitions.keys()] });
