// Inside the background-services thread: each service is an actor with its own mailbox
// (start, run-now, stop), timer and status; they share the thread and its backing services
// (one set of connections instead of three). Per service:
//
//   idle ──timer | run-now──▶ running ──pass ends──▶ idle (timer re-armed)
//                                        └─ stop ──▶ stopped
import { parentPort, workerData } from "node:worker_threads";
import { createLogger } from "../../logger.ts";
import type { FromService, ServiceContext, ServiceDefinition, ServiceModule, ServiceStatus, ServiceWorkerData, ToService } from "./service-definition.ts";
import { retryAfterFailureMs } from "./service-definition.ts";
import { monoNow } from "./wall-time.ts";

const data = workerData as ServiceWorkerData;
const port = parentPort!;
const send = (m: FromService) => port.postMessage(m);
// Stamps and durations are elapsed time: the main thread compares them with monoNow, which a step
// of the wall clock does not move (a job must not time out because NTP stepped the clock).
const now = monoNow;

const definitions = new Map<string, ServiceDefinition>();
for (const url of data.serviceModules) {
  const mod = (await import(url)) as ServiceModule;
  for (const s of mod.services) if (!definitions.has(s.name)) definitions.set(s.name, s);
}

const rpcWaiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let rpcSeq = 0;
const rpc = (method: string, ...args: unknown[]) =>
  new Promise<unknown>((resolve, reject) => {
    const id = ++rpcSeq;
    rpcWaiting.set(id, { resolve, reject });
    send({ t: "rpc", id, method, args });
  });

type ServicesModule = { createServices(c: unknown, r: typeof rpc): Promise<unknown>; closeServices?(s: unknown): Promise<void> };
const servicesModule: ServicesModule | null = data.servicesModule ? ((await import(data.servicesModule)) as ServicesModule) : null;
let shared: Promise<unknown> | null = null;

/** The thread's backing services, created once; a failure is retried by the next caller. */
function services(): Promise<unknown> {
  if (!servicesModule) return Promise.resolve(undefined);
  shared ??= servicesModule.createServices(data.config, rpc).catch((err) => {
    shared = null;
    throw err;
  });
  return shared;
}

class ServiceRunner {
  readonly status: ServiceStatus;
  #def: ServiceDefinition;
  #controller = new AbortController();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #started = false;
  #stopping = false;
  #failuresInARow = 0;
  #pass: Promise<void> | null = null;
  #ctx: ServiceContext;

  constructor(def: ServiceDefinition) {
    this.#def = def;
    const interval = def.intervalMs(data.config);
    this.status = {
      name: def.name,
      title: def.title,
      intervalMs: interval,
      running: false,
      runs: 0,
      failures: 0,
      lastRunAt: null,
      lastDurationMs: null,
      lastError: null,
      nextRunAt: null,
      progress: null,
      progressMessage: null,
    };
    const runner = this;
    let current: unknown;
    this.#ctx = {
      get services() {
        return current;
      },
      set services(v) {
        current = v;
      },
      logger: createLogger({ category: def.title.replaceAll(" ", ""), level: data.logLevel, now }),
      signal: this.#controller.signal,
      config: data.config,
      now,
      progress(percent, message) {
        runner.status.progress = Math.max(0, Math.min(100, percent));
        runner.status.progressMessage = message ?? null;
        runner.#report();
      },
    };
  }

  #report() {
    send({ t: "status", status: { ...this.status } });
  }

  async start() {
    this.#ctx.logger.info(`${this.#def.title} is starting`);
    try {
      (this.#ctx as { services: unknown }).services = await services();
      await this.#def.start?.(this.#ctx);
      this.#started = true;
    } catch (err) {
      this.#ctx.logger.error(`${this.#def.title} could not start; its passes will retry`, err);
    }
    void this.runNow();
  }

  runNow(): Promise<void> {
    if (this.#pass || this.#stopping) return this.#pass ?? Promise.resolve();
    this.#pass = this.#runPass().finally(() => (this.#pass = null));
    return this.#pass;
  }

  async #runPass() {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const s = this.status;
    s.running = true;
    s.nextRunAt = null;
    s.progress = null;
    s.progressMessage = null;
    const startedAt = now();
    s.lastRunAt = startedAt;
    this.#report();
    let delay = s.intervalMs;
    try {
      // Services are (re)created lazily: a dependency that was down at start is picked up later.
      (this.#ctx as { services: unknown }).services = await services();
      if (!this.#started) {
        await this.#def.start?.(this.#ctx);
        this.#started = true;
      }
      await this.#def.run(this.#ctx);
      s.lastError = null;
      this.#failuresInARow = 0;
    } catch (err) {
      this.#failuresInARow++;
      s.failures++;
      s.lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      delay = retryAfterFailureMs(this.#failuresInARow, s.intervalMs);
      this.#ctx.logger.error(`${this.#def.title} pass failed; retrying in ${Math.round(delay / 1000)} s`, err);
    }
    s.runs++;
    s.running = false;
    s.lastDurationMs = now() - startedAt;
    if (this.#stopping) return this.#report();
    s.nextRunAt = now() + delay;
    if (this.#failuresInARow === 0 && this.#def.nextRunMessage) this.#ctx.logger.info(this.#def.nextRunMessage(delay));
    this.#report();
    this.#timer = setTimeout(() => void this.runNow(), delay);
  }

  async stop() {
    this.#stopping = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#controller.abort(new Error("the service is stopping"));
    try {
      await this.#pass;
      await this.#def.stop?.(this.#ctx);
    } catch (err) {
      this.#ctx.logger.warn(`${this.#def.title} did not stop cleanly`, err);
    }
  }
}

const runners = new Map<string, ServiceRunner>();

port.on("message", async (m: ToService) => {
  switch (m.t) {
    case "start": {
      const def = definitions.get(m.name);
      if (!def) throw new TypeError(`No background service named "${m.name}" in ${data.serviceModules.join(", ")}`);
      if (runners.has(m.name)) return;
      const runner = new ServiceRunner(def);
      runners.set(m.name, runner);
      await runner.start();
      break;
    }
    case "run-now":
      void runners.get(m.name)?.runNow();
      break;
    case "stop": {
      const runner = runners.get(m.name);
      runners.delete(m.name);
      await runner?.stop();
      if (!runners.size && shared) {
        const s = await shared.catch(() => undefined);
        if (s !== undefined) await servicesModule?.closeServices?.(s).catch(() => undefined);
      }
      send({ t: "stopped", name: m.name });
      break;
    }
    case "rpc-result": {
      const w = rpcWaiting.get(m.id);
      rpcWaiting.delete(m.id);
      if (w) m.ok ? w.resolve(m.value) : w.reject(Object.assign(new Error(m.error?.message), { name: m.error?.type }));
      break;
    }
  }
});

send({ t: "ready" });
