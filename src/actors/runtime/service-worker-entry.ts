// Inside a background service's worker thread: run the pass at start-up, then every interval;
// "run-now" runs it at once (if not already running); "stop" aborts, stops and ends the thread.
//
//   idle ──timer | run-now──▶ running ──pass ends──▶ idle (timer re-armed)
//                                        └─ stop ──▶ stopped
import { parentPort, workerData } from "node:worker_threads";
import { createLogger } from "../../logger.ts";
import type { FromService, ServiceContext, ServiceDefinition, ServiceModule, ServiceStatus, ServiceWorkerData, ToService } from "./service-definition.ts";
import { retryAfterFailureMs } from "./service-definition.ts";

const data = workerData as ServiceWorkerData;
const port = parentPort!;
const send = (m: FromService) => port.postMessage(m);
const now = () => performance.timeOrigin + performance.now();

let def: ServiceDefinition | undefined;
for (const url of data.serviceModules) {
  const mod = (await import(url)) as ServiceModule;
  def ??= mod.services.find((s) => s.name === data.name);
}
if (!def) throw new TypeError(`No background service named "${data.name}" in ${data.serviceModules.join(", ")}`);
const service = def;

const rpcWaiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let rpcSeq = 0;
const rpc = (method: string, ...args: unknown[]) =>
  new Promise<unknown>((resolve, reject) => {
    const id = ++rpcSeq;
    rpcWaiting.set(id, { resolve, reject });
    send({ t: "rpc", id, method, args });
  });

const logger = createLogger({ category: service.title.replaceAll(" ", ""), level: data.logLevel, now });
const controller = new AbortController();
const interval = service.intervalMs(data.config);
const status: ServiceStatus = {
  name: service.name,
  title: service.title,
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
const report = () => send({ t: "status", status: { ...status } });

let services: unknown;
const mod = data.servicesModule ? ((await import(data.servicesModule)) as { createServices(c: unknown, r: typeof rpc): Promise<unknown>; closeServices?(s: unknown): Promise<void> }) : null;

const ctx: ServiceContext = {
  get services() {
    return services;
  },
  logger,
  signal: controller.signal,
  config: data.config,
  now,
  progress(percent, message) {
    status.progress = Math.max(0, Math.min(100, percent));
    status.progressMessage = message ?? null;
    report();
  },
};

let timer: ReturnType<typeof setTimeout> | null = null;
let started = false;
let failuresInARow = 0;
let stopping = false;

async function pass() {
  if (status.running || stopping) return;
  if (timer) clearTimeout(timer);
  timer = null;
  status.running = true;
  status.nextRunAt = null;
  status.progress = null;
  status.progressMessage = null;
  const passStartedAt = now();
  status.lastRunAt = passStartedAt;
  report();
  let delay = interval;
  try {
    // Services are (re)created lazily: a dependency that was down at start is picked up later.
    services ??= mod ? await mod.createServices(data.config, rpc) : undefined;
    if (!started) {
      await service.start?.(ctx);
      started = true;
    }
    await service.run(ctx);
    status.lastError = null;
    failuresInARow = 0;
  } catch (err) {
    failuresInARow++;
    status.failures++;
    status.lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    delay = retryAfterFailureMs(failuresInARow, interval);
    logger.error(`${service.title} pass failed; retrying in ${Math.round(delay / 1000)} s`, err);
  }
  status.runs++;
  status.running = false;
  status.lastDurationMs = now() - passStartedAt;
  if (stopping) return report();
  status.nextRunAt = now() + delay;
  if (failuresInARow === 0 && service.nextRunMessage) logger.info(service.nextRunMessage(delay));
  report();
  timer = setTimeout(() => void pass(), delay);
}

port.on("message", async (m: ToService) => {
  if (m.t === "run-now") void pass();
  else if (m.t === "rpc-result") {
    const w = rpcWaiting.get(m.id);
    rpcWaiting.delete(m.id);
    if (w) m.ok ? w.resolve(m.value) : w.reject(Object.assign(new Error(m.error?.message), { name: m.error?.type }));
  } else if (m.t === "stop") {
    stopping = true;
    if (timer) clearTimeout(timer);
    controller.abort(new Error("the service is stopping"));
    try {
      await service.stop?.(ctx);
      if (services !== undefined) await mod?.closeServices?.(services);
    } catch (err) {
      logger.warn(`${service.title} did not stop cleanly`, err);
    }
    send({ t: "stopped" });
    port.close();
  }
});

logger.info(`${service.title} is starting`);
try {
  services = mod ? await mod.createServices(data.config, rpc) : undefined;
  await service.start?.(ctx);
  started = true;
} catch (err) {
  logger.error(`${service.title} could not start; its passes will retry`, err);
}
void pass();
