// Runs the ledger's WAL checkpoints in a thread of their own. A checkpoint copies committed pages
// from the WAL into the database file and fsyncs both; left to SQLite's auto-checkpoint it runs
// inside whichever commit crosses 1,000 pages, on the thread that commits — measured at about a
// quarter of the runtime's ledger time per job (npm run bench). Here the committing thread only
// nudges; the checkpoint thread coalesces nudges into one PASSIVE checkpoint at a time.
//
// OnDemandCheckpointer decides when the thread runs: nudged by job rows written, not commits
// (heartbeats and empty claims never wake it), started by the first nudge, stopped after a quiet
// spell — an idle server does not carry the thread (~6 MB). While it runs, the committing
// connection keeps an auto-checkpoint at a larger size, so a dead or lagging thread costs speed,
// never an unbounded WAL; while it does not, SQLite's default is back.
import { Worker } from "node:worker_threads";
import type { Clock, TimerHandle } from "../actors/runtime/clock.ts";
import { startWorkerThread } from "../actors/runtime/worker-thread.ts";

/** Pages the WAL may reach before the committing connection checkpoints by itself. */
const FALLBACK_AUTOCHECKPOINT_PAGES = 8_000;
/** SQLite's own auto-checkpoint (pages), in force while no checkpoint thread runs. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
/** The thread stops after this long without a nudge. */
const IDLE_MS = 30_000;

export interface CheckpointStats {
  running: boolean;
  checkpoints: number;
  lastError: string | null;
}

export interface OnDemandCheckpointerOptions {
  entryUrl: string;
  path: string;
  clock: Clock;
  /** Job rows written between two nudges. */
  afterRows: number;
  /** Sets the committing connection's auto-checkpoint (PRAGMA wal_autocheckpoint). */
  setAutoCheckpoint(pages: number): void;
}

export class OnDemandCheckpointer {
  #o: OnDemandCheckpointerOptions;
  #thread: WalCheckpointer | null = null;
  #starting: Promise<void> | null = null;
  #closing: Promise<void> | null = null;
  #idleTimer: TimerHandle | null = null;
  #rows = 0;
  #before = 0;
  #closed = false;
  #broken = false;

  constructor(o: OnDemandCheckpointerOptions) {
    this.#o = o;
  }

  stats(): CheckpointStats {
    const t = this.#thread;
    return { running: !!t?.alive, checkpoints: this.#before + (t?.stats.checkpoints ?? 0), lastError: t?.stats.lastError ?? null };
  }

  /** After a commit that wrote `rows` job rows (created, changed or claimed). */
  written(rows: number) {
    if (this.#broken || this.#closed) return;
    this.#rows += rows;
    if (this.#rows < this.#o.afterRows) return;
    this.#rows = 0;
    const clock = this.#o.clock;
    if (this.#idleTimer) clock.clearTimeout(this.#idleTimer);
    this.#idleTimer = clock.setTimeout(() => void this.#stop(), IDLE_MS);
    if (this.#thread?.alive) return this.#thread.nudge();
    if (this.#thread) {
      // It died (its exit is all there is to clean up): start another.
      this.#before += this.#thread.stats.checkpoints;
      this.#thread = null;
    }
    if (this.#starting) return;
    this.#starting = WalCheckpointer.start(this.#o.entryUrl, this.#o.path).then(
      (t) => {
        this.#starting = null;
        this.#thread = t;
        if (this.#closed) return; // close() is waiting for this start, and stops it
        this.#o.setAutoCheckpoint(FALLBACK_AUTOCHECKPOINT_PAGES);
        t.nudge();
      },
      () => {
        // It cannot start (its module does not load): checkpoints stay with SQLite.
        this.#starting = null;
        this.#broken = true;
      },
    );
  }

  /** Resolves when the thread has started (if asked to) and has nothing to do. */
  async settle(): Promise<void> {
    await this.#starting;
    await this.#thread?.idle();
  }

  /** Fault injection: terminates the thread as a crash would. */
  async kill(): Promise<void> {
    await this.#thread?.kill();
  }

  /** Stops the thread; resolves once its connection is closed (the WAL file must not outlive it). */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#idleTimer) this.#o.clock.clearTimeout(this.#idleTimer);
    await this.#stop();
  }

  async #stop() {
    this.#idleTimer = null;
    await this.#starting;
    const t = this.#thread;
    this.#thread = null;
    this.#before += t?.stats.checkpoints ?? 0;
    if (t && !this.#closed) this.#o.setAutoCheckpoint(SQLITE_AUTOCHECKPOINT_PAGES);
    if (t) this.#closing = t.close();
    // Also waits for a stop already under way (the idle timer's).
    await this.#closing;
  }
}

export class WalCheckpointer {
  #worker: Worker;
  #ready: Promise<void>;
  #running = false;
  #wanted = false;
  #alive = true;
  #idle: (() => void)[] = [];
  /** Checkpoints finished, and the last error one reported (for tests and /metrics). */
  readonly stats = { checkpoints: 0, lastError: null as string | null };

  private constructor(entryUrl: string, path: string) {
    this.#worker = startWorkerThread(entryUrl, { path }, "ledger-checkpointer");
    this.#ready = new Promise((resolve, reject) => {
      this.#worker.once("error", reject);
      this.#worker.once("exit", (code) => reject(new Error(`the checkpoint thread exited with code ${code} before it was ready`)));
      this.#worker.on("message", (m: { t: "ready" | "done"; error?: string | null }) => {
        if (m.t === "ready") resolve();
        else this.#onDone(m.error ?? null);
      });
    });
    this.#worker.once("exit", () => {
      this.#alive = false;
      this.#running = false;
      for (const f of this.#idle.splice(0)) f();
    });
  }

  static async start(entryUrl: string, path: string): Promise<WalCheckpointer> {
    const c = new WalCheckpointer(entryUrl, path);
    await c.#ready;
    // Once started, the thread must never keep the process alive on its own.
    c.#worker.unref();
    return c;
  }

  get alive(): boolean {
    return this.#alive;
  }

  /** Something was committed: checkpoint when the thread is free (coalesced). */
  nudge() {
    if (!this.#alive) return;
    if (this.#running) {
      this.#wanted = true;
      return;
    }
    this.#running = true;
    this.#worker.postMessage("checkpoint");
  }

  /** Resolves when no checkpoint is running or wanted. */
  idle(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    // Awaited now: an unref'd thread would let the process exit before it answers.
    this.#worker.ref();
    return new Promise((r) =>
      this.#idle.push(() => {
        this.#worker.unref();
        r();
      }),
    );
  }

  async close(): Promise<void> {
    if (!this.#alive) return;
    const exited = new Promise((r) => this.#worker.once("exit", r));
    this.#worker.ref(); // awaited now: an unref'd thread would let the process exit mid-close
    this.#worker.postMessage("close");
    await exited;
  }

  /** Terminates the thread as a crash would (fault-injection tests). */
  async kill(): Promise<void> {
    this.#worker.ref();
    await this.#worker.terminate();
  }

  #onDone(error: string | null) {
    this.stats.checkpoints++;
    this.stats.lastError = error;
    this.#running = false;
    if (this.#wanted) {
      this.#wanted = false;
      this.nudge();
    } else for (const f of this.#idle.splice(0)) f();
  }
}
