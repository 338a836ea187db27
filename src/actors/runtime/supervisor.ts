// Starts actors, restarts the ones that crash, and reports their state.
//
//   starting ──started──▶ running ──crash──▶ restarting ──delay──▶ starting
//       │                    │                   │
//       └──────────── stop ──┴───────────────────┴──▶ stopping ──▶ stopped
//                                 crash beyond the restart intensity ──▶ stopped
//
// A crash is reported by the actor's `exited` promise; whether to restart is decided by
// decideRestart (a pure function of the crash history), never by scattered try/catch.
import { type ErrorInfo, toErrorInfo } from "../../errors.ts";
import type { Logger } from "../../logger.ts";
import type { Clock, TimerHandle } from "./clock.ts";
import type { ActorState, RuntimeEvents } from "./events.ts";
import { DEFAULT_RESTART_POLICY, decideRestart, type RestartPolicy } from "./restart-policy.ts";

export interface ExitInfo {
  code: number;
  error: ErrorInfo | null;
}

export interface ActorInstance {
  /** Settles when the actor's thread is gone, whatever the reason. */
  exited: Promise<ExitInfo>;
  /** Asks the actor to stop; resolves when it has. */
  stop(): Promise<void>;
}

export interface ActorSpec {
  id: string;
  kind: "job-worker" | "service";
  start(): Promise<ActorInstance> | ActorInstance;
  /** Called on every exit, before any restart (the job pool settles the jobs it held). */
  onExit?(info: ExitInfo, expected: boolean): void;
  restartPolicy?: RestartPolicy;
}

export interface ActorStatus {
  id: string;
  kind: ActorSpec["kind"];
  state: ActorState;
  restarts: number;
  startedAt: number | null;
  lastError: string | null;
  nextRestartAt: number | null;
}

interface Record_ {
  spec: ActorSpec;
  status: ActorStatus;
  instance: ActorInstance | null;
  crashes: number[];
  timer: TimerHandle | null;
  stopping: boolean;
  /** spec.start() while it is pending: stop() waits for it, so no instance outlives stop(). */
  starting: Promise<unknown> | null;
}

const ALLOWED: Record<ActorState, ActorState[]> = {
  starting: ["running", "restarting", "stopped", "stopping"],
  running: ["restarting", "stopping", "stopped"],
  restarting: ["starting", "stopping", "stopped"],
  stopping: ["stopped"],
  stopped: ["starting"],
};

export class Supervisor {
  #actors = new Map<string, Record_>();
  #clock: Clock;
  #events: RuntimeEvents;
  #log: Logger;

  constructor(deps: { clock: Clock; events: RuntimeEvents; logger: Logger }) {
    this.#clock = deps.clock;
    this.#events = deps.events;
    this.#log = deps.logger;
  }

  supervise(spec: ActorSpec): void {
    if (this.#actors.has(spec.id)) throw new Error(`actor "${spec.id}" is already supervised`);
    const rec: Record_ = {
      spec,
      status: { id: spec.id, kind: spec.kind, state: "stopped", restarts: 0, startedAt: null, lastError: null, nextRestartAt: null },
      instance: null,
      crashes: [],
      timer: null,
      stopping: false,
      starting: null,
    };
    this.#actors.set(spec.id, rec);
    void this.#start(rec);
  }

  status(): ActorStatus[] {
    return [...this.#actors.values()].map((r) => ({ ...r.status }));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.#actors.keys()].map((id) => this.stop(id)));
  }

  async stop(id: string): Promise<void> {
    const rec = this.#actors.get(id);
    if (!rec || rec.status.state === "stopped") return;
    rec.stopping = true;
    if (rec.timer) this.#clock.clearTimeout(rec.timer);
    rec.timer = null;
    if (rec.status.state === "restarting") return this.#set(rec, "stopped");
    this.#set(rec, "stopping");
    // Still starting: #start stops the instance as soon as it exists.
    if (rec.starting) await rec.starting.catch(() => undefined);
    else await rec.instance?.stop();
    await rec.instance?.exited;
    if ((rec.status.state as ActorState) !== "stopped") this.#set(rec, "stopped");
  }

  #set(rec: Record_, state: ActorState, error?: string) {
    // A wrong edit to the transitions fails loudly in tests rather than leaving an actor in limbo.
    if (rec.status.state !== state && !ALLOWED[rec.status.state].includes(state)) {
      throw new Error(`actor ${rec.spec.id}: ${rec.status.state} → ${state} is not a valid transition`);
    }
    rec.status.state = state;
    if (error !== undefined) rec.status.lastError = error;
    this.#events.emit("actor:state", { actorId: rec.spec.id, state, restarts: rec.status.restarts, error: rec.status.lastError });
  }

  async #start(rec: Record_) {
    this.#set(rec, "starting");
    rec.status.nextRestartAt = null;
    let instance: ActorInstance;
    try {
      instance = await (rec.starting = (async () => rec.spec.start())()); // start() runs now; a throw rejects
    } catch (err) {
      return this.#crashed(rec, { code: -1, error: toErrorInfo(err) });
    } finally {
      rec.starting = null;
    }
    rec.instance = instance;
    rec.status.startedAt = this.#clock.now();
    if (rec.stopping) {
      await instance.stop();
    } else {
      this.#set(rec, "running");
    }
    void instance.exited.then((info) => {
      rec.instance = null;
      const expected = rec.stopping;
      try {
        rec.spec.onExit?.(info, expected);
      } catch (err) {
        this.#log.error(`Actor ${rec.spec.id} exit handler failed`, err);
      }
      if (expected) this.#set(rec, "stopped");
      else this.#crashed(rec, info);
    });
  }

  #crashed(rec: Record_, info: ExitInfo) {
    const now = this.#clock.now();
    const why = info.error ? `${info.error.type}: ${info.error.message}` : `exited with code ${info.code}`;
    const decision = decideRestart(rec.spec.restartPolicy ?? DEFAULT_RESTART_POLICY, rec.crashes, now);
    rec.crashes.push(now);
    rec.crashes = rec.crashes.slice(-100);
    if (rec.stopping) return this.#set(rec, "stopped", why);
    if (decision.action === "stop") {
      this.#log.error(`Actor ${rec.spec.id} stopped: ${decision.reason}; last error: ${why}`);
      return this.#set(rec, "stopped", why);
    }
    rec.status.restarts++;
    rec.status.nextRestartAt = now + decision.delayMs;
    this.#log.warn(`Actor ${rec.spec.id} crashed (${why}); restarting in ${decision.delayMs} ms`);
    this.#set(rec, "restarting", why);
    rec.timer = this.#clock.setTimeout(() => {
      rec.timer = null;
      void this.#start(rec);
    }, decision.delayMs);
  }
}
