// The runtime's one typed event stream: tests await it instead of sleeping, the dashboard's live
// views and /metrics read it. Emitted only after the ledger write it reports is durable.
import type { ErrorInfo } from "../../errors.ts";
import type { JobState } from "../../ledger/ledger.ts";

export interface RuntimeEventMap {
  "job:created": { jobId: string; type: string; state: JobState; enqueueAt: number | null };
  "job:processing": { jobId: string; type: string; attempt: number; workerId: string; latencyMs: number };
  "job:succeeded": { jobId: string; type: string; attempt: number; durationMs: number };
  "job:failed": { jobId: string; type: string; attempt: number; error: ErrorInfo; retryAt: number | null; reason: string };
  "job:requeued": { jobId: string; reason: string };
  "job:deleted": { jobId: string; reason: string };
  "job:progress": { jobId: string; percent: number; message: string | null };
  "job:log": { jobId: string; at: number; level: string; message: string };
  "actor:state": { actorId: string; state: ActorState; restarts: number; error: string | null };
  "leader:changed": { leader: boolean; serverId: string };
  "recurring:fired": { recurringId: string; instants: number[]; jobIds: string[]; latenessMs: number };
  /** Ticks that started no run: one had not finished (overlap: skip). */
  "recurring:skipped": { recurringId: string; instants: number[]; unfinishedJobId: string };
  "scheduled:promoted": { count: number };
  "lease:recovered": { jobIds: string[] };
}

export type ActorState = "starting" | "running" | "restarting" | "stopping" | "stopped";

type Listener<T> = (payload: T) => void;

export class RuntimeEvents {
  #listeners = new Map<keyof RuntimeEventMap, Set<Listener<never>>>();

  on<K extends keyof RuntimeEventMap>(name: K, fn: Listener<RuntimeEventMap[K]>): () => void {
    let set = this.#listeners.get(name);
    if (!set) this.#listeners.set(name, (set = new Set()));
    set.add(fn as Listener<never>);
    return () => set!.delete(fn as Listener<never>);
  }

  emit<K extends keyof RuntimeEventMap>(name: K, payload: RuntimeEventMap[K]): void {
    const set = this.#listeners.get(name);
    if (!set) return;
    for (const fn of set) {
      try {
        (fn as Listener<RuntimeEventMap[K]>)(payload);
      } catch {
        // A listener's bug must not break the runtime's bookkeeping.
      }
    }
  }

  /** Resolves with the first event matching `where`; rejects after `timeoutMs` (real time). */
  waitFor<K extends keyof RuntimeEventMap>(
    name: K,
    where: (p: RuntimeEventMap[K]) => boolean = () => true,
    timeoutMs = 30_000,
  ): Promise<RuntimeEventMap[K]> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${String(name)}`));
      }, timeoutMs);
      const off = this.on(name, (p) => {
        if (!where(p)) return;
        clearTimeout(timer);
        off();
        resolve(p);
      });
    });
  }
}
