// Every message that crosses the thread boundary. Each carries what the receiver needs to act
// without shared state; errors travel as data (ErrorInfo), never as thrown objects.
import type { MessagePort } from "node:worker_threads";
import type { ErrorInfo } from "../../errors.ts";

/** A job handed to a job worker's mailbox. `seq` orders the mailbox; the worker runs in seq order. */
export interface RunJob {
  seq: number;
  jobId: string;
  type: string;
  args: unknown;
  attempt: number;
  scheduledFor: number | null;
  /** The slot's generation when handed off: a job whose generation was bumped since never starts. */
  gen: number;
}

export type ToJobWorker =
  | { t: "run"; jobs: RunJob[] }
  /** Aborts a run (by its seq: a job id can come back after a failed insert), or drops it unstarted. */
  | { t: "cancel"; seq: number; reason: string }
  | { t: "rpc-result"; id: number; ok: true; value: unknown }
  | { t: "rpc-result"; id: number; ok: false; error: ErrorInfo };

/** The error type of the outcome a worker reports for a job it dropped before starting it (cancel). */
export const CANCELLED_UNSTARTED = "JobCancelledError";
/** ...and for a job it skipped because the main thread took it back (see GATE_GEN). */
export const REVOKED_UNSTARTED = "JobRevokedError";

export interface JobOutcome {
  seq: number;
  jobId: string;
  ok: boolean;
  result?: unknown;
  error?: ErrorInfo;
  durationMs: number;
}

export type FromJobWorker =
  | { t: "ready"; types: string[] }
  | { t: "done"; outcomes: JobOutcome[] }
  | { t: "progress"; seq: number; jobId: string; percent: number; message: string | null }
  | { t: "log"; seq: number; jobId: string; at: number; level: "debug" | "info" | "warn" | "error"; message: string }
  | { t: "rpc"; id: number; method: string; args: unknown[] };

/** Shared memory slot per job worker: what it runs right now, readable even when it hangs. */
export const SLOT_SEQ = 0; // seq of the running job, -1 when idle
export const SLOT_STARTED_AT = 1; // epoch ms when it started
export const SLOT_LENGTH = 2;
/**
 * After the Float64 slot, an Int32 gate (Atomics only) through which the main thread takes back
 * the jobs waiting in a mailbox behind one that runs long, without a message the worker may never
 * read. Before it starts a job the worker stores the job's seq in GATE_STARTING, then compares the
 * job's generation with GATE_GEN; the main thread bumps GATE_GEN, then reads GATE_STARTING. Jobs
 * after that one in the mailbox will never start; that one may have (its outcome tells).
 */
export const GATE_OFFSET = SLOT_LENGTH * 8;
export const GATE_STARTING = 0; // seq | 0 of the job last taken from the mailbox
export const GATE_GEN = 1;
export const GATE_DONE = 2; // how many plain successes the thread has written to the ring
export const GATE_LENGTH = 4; // (one spare: the ring after it stays 8-byte aligned)
/**
 * After the gate, a ring of the thread's last RING_LENGTH plain successes (a job that returned
 * nothing), [seq, durationMs] each, written as the job ends. Outcomes travel in batches; when a
 * thread dies before it sends its batch (a job right behind hangs and is terminated), the ring
 * still says which of them succeeded, so they are recorded instead of run again. RING_LENGTH
 * covers the largest batch a worker holds back (MAX_BATCH).
 */
export const RING_OFFSET = GATE_OFFSET + GATE_LENGTH * 4;
export const RING_LENGTH = 128; // a power of two
export const SLOT_BYTES = RING_OFFSET + RING_LENGTH * 2 * 8;

export interface JobWorkerData {
  kind: "job-worker";
  workerId: string;
  jobModules: string[];
  servicesModule: string | null;
  config: unknown;
  slot: SharedArrayBuffer;
  /**
   * Where the worker sends every message (FromJobWorker), in order: a port the main thread can
   * also read synchronously, to collect short jobs' outcomes inside a claim's transaction.
   */
  outbox: MessagePort;
  /** Int32 [0], shared by the pool's workers: bumped and notified after each outcome batch sent. */
  signal: SharedArrayBuffer;
}
