// Runs the ledger's WAL checkpoints in a thread of their own. A checkpoint copies committed pages
// from the WAL into the database file and fsyncs both; left to SQLite's auto-checkpoint it runs
// inside whichever commit crosses 1,000 pages, on the thread that commits — measured at about a
// quarter of the runtime's ledger time per job (npm run bench). Here the committing thread only
// nudges; the checkpoint thread coalesces nudges into one PASSIVE checkpoint at a time. When and
// whether the thread runs is the ledger's choice (sqlite-ledger.ts #afterCommit).
//
// Safety net: while the thread runs, the committing connection keeps an auto-checkpoint at a
// larger size, so a dead or lagging checkpoint thread costs speed, never an unbounded WAL.
import { Worker } from "node:worker_threads";
import { startWorkerThread } from "../actors/runtime/worker-thread.ts";

/** Pages the WAL may reach before the committing connection checkpoints by itself. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 8_000;

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
