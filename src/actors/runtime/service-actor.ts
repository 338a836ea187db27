// The main thread's side of the background services. Each service is a supervised actor with its
// own state, restarts and mailbox; all of them live in ONE worker thread (ServiceThread), sharing
// its connections — a thread costs ~8 MB before any code, and three mostly idle services do not
// need three. The first actor to start brings the thread up; the last to stop ends it; a thread
// crash is a crash of every actor in it, and each is restarted by the supervisor.
import type { Worker } from "node:worker_threads";
import type { ActorInstance, ActorSpec, ExitInfo } from "./supervisor.ts";
import type { FromService, ServiceStatus, ServiceWorkerData, ToService } from "./service-definition.ts";
import { startWorkerThread } from "./worker-thread.ts";

export interface ServiceThreadOptions {
  entryUrl: string;
  serviceModules: string[];
  servicesModule: string | null;
  config: unknown;
  logLevel: ServiceWorkerData["logLevel"];
  rpc: Record<string, (...args: unknown[]) => Promise<unknown>>;
  /** Grace for a pass to end on stop before the thread is terminated. */
  stopTimeoutMs?: number;
}

interface Running {
  worker: Worker;
  exited: Promise<ExitInfo>;
  members: Set<string>;
  /** Messages wait until the thread said "ready": Deno drops what arrives before its listener. */
  ready: boolean;
  queued: ToService[];
}

export class ServiceThread {
  #o: ServiceThreadOptions;
  #current: Running | null = null;
  #status = new Map<string, ServiceStatus>();
  #listeners = new Set<(s: ServiceStatus) => void>();
  #stopped = new Map<string, () => void>();

  constructor(o: ServiceThreadOptions) {
    this.#o = o;
  }

  status(name: string): ServiceStatus | null {
    const s = this.#status.get(name);
    return s ? { ...s } : null;
  }

  onStatus(fn: (s: ServiceStatus) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Starts `name` in the thread (starting the thread if needed). */
  join(name: string): Running {
    const run = this.#current ?? this.#spawn();
    run.members.add(name);
    this.#post(run, { t: "start", name });
    return run;
  }

  runNow(name: string): boolean {
    if (!this.#current?.members.has(name)) return false;
    this.#post(this.#current, { t: "run-now", name });
    return true;
  }

  /** Stops `name`; the thread ends when no service is left in it. */
  async leave(run: Running, name: string): Promise<void> {
    if (!run.members.delete(name)) return;
    const stopped = new Promise<void>((r) => this.#stopped.set(name, r));
    this.#post(run, { t: "stop", name });
    const timeout = new Promise<void>((r) => setTimeout(r, this.#o.stopTimeoutMs ?? 5_000).unref());
    await Promise.race([stopped, timeout, run.exited]);
    this.#stopped.delete(name);
    if (!run.members.size) {
      if (this.#current === run) this.#current = null;
      await run.worker.terminate();
    }
  }

  #post(run: Running, m: ToService) {
    if (run.ready) run.worker.postMessage(m);
    else run.queued.push(m);
  }

  #spawn(): Running {
    const data: ServiceWorkerData = {
      kind: "service",
      serviceModules: this.#o.serviceModules,
      servicesModule: this.#o.servicesModule,
      config: this.#o.config,
      logLevel: this.#o.logLevel,
    };
    const worker = startWorkerThread(this.#o.entryUrl, data, "background-services");
    let lastError: ExitInfo["error"] = null;
    worker.on("message", (m: FromService) => {
      if (m.t === "ready") {
        run.ready = true;
        for (const q of run.queued.splice(0)) worker.postMessage(q);
      } else if (m.t === "status") {
        this.#status.set(m.status.name, m.status);
        for (const l of this.#listeners) l(m.status);
      } else if (m.t === "stopped") this.#stopped.get(m.name)?.();
      else if (m.t === "rpc") void this.#answer(worker, m.id, m.method, m.args);
    });
    worker.on("error", (err) => (lastError = { type: err.name, message: err.message, stack: err.stack ?? "" }));
    const run: Running = {
      worker,
      members: new Set(),
      ready: false,
      queued: [],
      exited: new Promise<ExitInfo>((resolve) =>
        worker.once("exit", (code) => {
          if (this.#current === run) this.#current = null;
          resolve({ code, error: lastError });
        }),
      ),
    };
    this.#current = run;
    return run;
  }

  async #answer(worker: Worker, id: number, method: string, args: unknown[]) {
    const fn = this.#o.rpc[method];
    try {
      if (!fn) throw new TypeError(`no runtime method "${method}" is available to services`);
      worker.postMessage({ t: "rpc-result", id, ok: true, value: await fn(...args) } satisfies ToService);
    } catch (err) {
      const e = err as Error;
      worker.postMessage({ t: "rpc-result", id, ok: false, error: { type: e.name, message: e.message } } satisfies ToService);
    }
  }
}

/** One background service: a supervised actor living in a ServiceThread. */
export class ServiceActor {
  readonly spec: ActorSpec;
  readonly name: string;
  readonly title: string;
  #thread: ServiceThread;

  constructor(o: { name: string; title: string; thread: ServiceThread }) {
    this.name = o.name;
    this.title = o.title;
    this.#thread = o.thread;
    this.spec = { id: o.name, kind: "service", start: () => this.#start() };
  }

  /** The latest status its runner reported (null before the first report). */
  status(): ServiceStatus | null {
    return this.#thread.status(this.name);
  }

  onStatus(fn: (s: ServiceStatus) => void): () => void {
    return this.#thread.onStatus((s) => s.name === this.name && fn(s));
  }

  /** Runs a pass now; false when its thread is not up. */
  runNow(): boolean {
    return this.#thread.runNow(this.name);
  }

  #start(): ActorInstance {
    const run = this.#thread.join(this.name);
    // This actor is gone when it left the thread (stop) or when the thread died (crash).
    let left!: (info: ExitInfo) => void;
    const leftThread = new Promise<ExitInfo>((r) => (left = r));
    return {
      exited: Promise.race([run.exited, leftThread]),
      stop: async () => {
        await this.#thread.leave(run, this.name);
        left({ code: 0, error: null });
      },
    };
  }
}
