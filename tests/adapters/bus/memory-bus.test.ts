import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import process from "node:process";
import { Worker } from "node:worker_threads";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { CatalogEvent } from "../../../src/adapters/bus/event-bus.ts";
import { MemoryBus } from "../../../src/adapters/bus/memory-bus.ts";
import { createLogger, memorySink } from "../../../src/logger.ts";
import { busConformance } from "./bus-conformance.ts";
import { alertEvent, collector, productEvent } from "./collect-events.ts";

const run = randomUUID();
const sink = memorySink();
const logger = createLogger({ category: "test", sink });

busConformance("in-process", {
  open: async (scope) => new MemoryBus({ channel: `test-${run}-${scope}`, logger }),
});

const test = suite("in-process event bus");
const opened: MemoryBus[] = [];
const openBus = (channel: string) => {
  const bus = new MemoryBus({ channel, logger });
  opened.push(bus);
  return bus;
};
// Closed even when an assertion fails, so an open channel never holds the test process.
test.after.each(async () => {
  for (const bus of opened.splice(0)) await bus.close();
});

type WorkerMessage = { kind: "ready" } | { kind: "published" } | { kind: "received"; event: CatalogEvent };

function startWorker(channel: string) {
  // tsx registers inside the worker before the .ts entry loads (see notes/toolchain.md).
  const code = `
    const { workerData } = require("node:worker_threads");
    (async () => {
      const { register } = await import(workerData.tsxApi);
      register();
      await import(workerData.entry);
    })();`;
  const worker = new Worker(code, {
    eval: true,
    workerData: {
      channel,
      tsxApi: import.meta.resolve("tsx/esm/api"),
      entry: new URL("./fixtures/bus-worker.ts", import.meta.url).href,
    },
  });
  const next = (kind: WorkerMessage["kind"]) =>
    new Promise<WorkerMessage>((resolve, reject) => {
      const onMessage = (m: WorkerMessage) => {
        if (m.kind !== kind) return;
        worker.off("message", onMessage);
        resolve(m);
      };
      worker.on("message", onMessage);
      worker.once("error", reject);
    });
  return { worker, next };
}

test("events cross worker threads in both directions", async () => {
  const channel = `test-${run}-threads`;
  const bus = openBus(channel);
  const fromWorker = collector("main thread");
  await bus.subscribe("inventory.#", fromWorker.handler);

  const { worker, next } = startWorker(channel);
  try {
    await next("ready");

    const toWorker = productEvent("product.created");
    const received = next("received");
    await bus.publish(toWorker);
    assert.equal(((await received) as { event: CatalogEvent }).event, toWorker);

    const alert = alertEvent("critical");
    worker.postMessage({ kind: "publish", event: alert });
    assert.equal(await fromWorker.until(1), [alert]);

    const exited = new Promise((resolve) => worker.once("exit", resolve));
    worker.postMessage({ kind: "close" });
    await exited; // the worker's bus closed its channel, so nothing kept the thread alive
  } finally {
    await worker.terminate();
  }
});

test("a handler that throws is logged with the pattern and the event", async () => {
  const bus = openBus(`test-${run}-log`);
  const after = collector();
  await bus.subscribe("product.*", (e) => {
    if (e.type === "product.deleted") throw new Error("boom");
    after.handler(e);
  });
  await bus.publish(productEvent("product.deleted"));
  await bus.publish(productEvent("product.created"));
  await after.until(1);
  const line = sink.records.find((r) => (r.error as Error)?.message === "boom");
  assert.ok(line, "error logged");
  assert.is(line!.level, "error");
  assert.match(line!.message, 'Event handler for "product.*" failed on product.deleted');
});

function runScript(body: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const module = new URL("../../../src/adapters/bus/memory-bus.ts", import.meta.url).href;
  const code = `const { MemoryBus } = await import(${JSON.stringify(module)});\n${body}`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const guard = setTimeout(() => child.kill("SIGKILL"), 20_000); // a deadline, not a wait
  return new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, out });
    }),
  );
}

test("a bus that only publishes does not keep the process alive", async () => {
  const r = await runScript(`
    const bus = new MemoryBus({ channel: "exit-test" });
    await bus.publish({ type: "product.created", productId: 1, sku: "A", at: "2025-12-15T00:00:00Z" });
    console.log("published");`);
  assert.is(r.signal, null, "killed: something kept the process alive");
  assert.is(r.code, 0);
  assert.is(r.out.trim(), "published");
});

test("the process can exit once the last subscription is closed", async () => {
  const r = await runScript(`
    const bus = new MemoryBus({ channel: "exit-test" });
    const sub = await bus.subscribe("#", () => {});
    await sub.close();
    console.log("closed");`);
  assert.is(r.signal, null, "killed: the closed subscription kept the process alive");
  assert.is(r.code, 0);
});

test.run();
