// The main thread's side of a background service: a supervised actor whose thread runs the
// service's passes. Keeps the latest status the thread reported and lets callers ask for a pass
// now. A crashed thread is restarted by the supervisor; the service runs again at its start.
import type { Worker } from "node:worker_threads";
import type { ActorInstance, ActorSpec, ExitInfo } from "./supervisor.ts";
import type { FromService, ServiceStatus, ServiceWorkerData, ToService } from "./service-definition.ts";
import { startWorkerThread } from "./worker-thread.ts";

export interface ServiceActorOptions {
  name: string;
  title: string;
  entryUrl: string;
  serviceModules: string[];
  servicesModule: string | null;
  config: unknown;
  logLevel: ServiceWorkerData["logLevel"];
  rpc: Record<string, (...args: unknown[]) => Promise<unknown>>;
  /** Grace for a pass to end on stop before the thread is terminated. */
  stopTimeoutMs?: number;
}

export class ServiceActor {
  readonly spec: ActorSpec;
  #o: ServiceActorOptions;
  #worker: Worker | null = null;
  #status: ServiceStatus | null = null;
  #listeners = new Set<(s: ServiceStatus) => void>();

  constructor(o: ServiceActorOptions) {
    this.#o = o;
    this.spec = { id: o.name, kind: "service", start: () => this.#start() };
  }

  get name(): string {
    return this.#o.name;
  }

  get title(): string {
    return this.#o.title;
  }

  /** The latest status its thread reported (null before the first report). */
  status(): ServiceStatus | null {
    return this.#status ? { ...this.#status } : null;
  }

  onStatus(fn: (s: ServiceStatus) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** Runs a pass now; false when the thread is not up. */
  runNow(): boolean {
    if (!this.#worker) return false;
    this.#send({ t: "run-now" });
    return true;
  }

  #send(m: ToService) {
    this.#worker?.postMessage(m);
  }

  #start(): ActorInstance {
    const data: ServiceWorkerData = {
      kind: "service",
      name: this.#o.name,
      serviceModules: this.#o.serviceModules,
      servicesModule: this.#o.servicesModule,
      config: this.#o.config,
      logLevel: this.#o.logLevel,
    };
    const worker = startWorkerThread(this.#o.entryUrl, data, this.#o.name);
    this.#worker = worker;
    let lastError: ExitInfo["error"] = null;
    let stoppedCleanly: () => void = () => {};
    const stopped = new Promise<void>((r) => (stoppedCleanly = r));
    worker.on("message", (m: FromService) => {
      if (m.t === "status") {
        this.#status = m.status;
        for (const l of this.#listeners) l(m.status);
      } else if (m.t === "stopped") stoppedCleanly();
      else if (m.t === "rpc") void this.#answer(worker, m.id, m.method, m.args);
    });
    worker.on("error", (err) => (lastError = { type: err.name, message: err.message, stack: err.stack ?? "" }));
    const exited = new Promise<ExitInfo>((resolve) =>
      worker.once("exit", (code) => {
        if (this.#worker === worker) this.#worker = null;
        resolve({ code, error: lastError });
      }),
    );
    return {
      exited,
      stop: async () => {
        this.#send({ t: "stop" });
        const timeout = new Promise<void>((r) => setTimeout(r, this.#o.stopTimeoutMs ?? 5_000).unref());
        await Promise.race([stopped, timeout, exited]);
        await worker.terminate();
      },
    };
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
