import { test } from "uvu";
import * as assert from "uvu/assert";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { SERVICE_WORKER_ENTRY } from "../../../src/actors/runtime/entry-points.ts";
import { ServiceActor, ServiceThread } from "../../../src/actors/runtime/service-actor.ts";
import type { ServiceStatus } from "../../../src/actors/runtime/service-definition.ts";
import { startRuntime } from "../../helpers/runtime-harness.ts";
import { Supervisor } from "../../../src/actors/runtime/supervisor.ts";
import { RuntimeEvents } from "../../../src/actors/runtime/events.ts";
import { systemClock } from "../../../src/actors/runtime/clock.ts";
import { createLogger } from "../../../src/logger.ts";

const MODULE = pathToFileURL(join(import.meta.dirname, "../../fixtures/test-services.ts")).href;

function thread(config: unknown) {
  return new ServiceThread({ entryUrl: SERVICE_WORKER_ENTRY(), serviceModules: [MODULE], servicesModule: null, config, logLevel: "error", rpc: {} });
}

function actor(name: string, config: unknown, shared = thread(config)) {
  return new ServiceActor({ name, title: name, thread: shared });
}

function statusWhere(a: ServiceActor, pred: (s: ServiceStatus) => boolean): Promise<ServiceStatus> {
  const now = a.status();
  if (now && pred(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const off = a.onStatus((s) => pred(s) && (off(), resolve(s)));
  });
}

test("a background service runs once at start and then on its interval, reporting its next run", async () => {
  const counter = actor("counter", { intervalMs: 150 });
  const h = await startRuntime({ actors: [counter.spec], workerCount: 1 });
  try {
    const second = await statusWhere(counter, (s) => s.runs >= 2 && !s.running);
    assert.ok(second.nextRunAt! > second.lastRunAt!);
    assert.is(second.lastError, null);
    assert.is(second.progressMessage, "pass 2");
    assert.is(h.rt.actors().find((a) => a.id === "counter")!.state, "running");
  } finally {
    await h.close();
  }
});

test("a failed pass is recorded and retried, and the service keeps running", async () => {
  const counter = actor("counter", { intervalMs: 100, failFirst: 1 });
  const h = await startRuntime({ actors: [counter.spec], workerCount: 1 });
  try {
    const failed = await statusWhere(counter, (s) => s.failures === 1 && !s.running);
    assert.match(failed.lastError!, /pass 1 failed on purpose/);
    assert.ok(failed.nextRunAt! - failed.lastRunAt! >= 100, "waits before retrying");
  } finally {
    await h.close();
  }
});

test("run-now starts a pass at once", async () => {
  const counter = actor("counter", { intervalMs: 60_000 });
  const h = await startRuntime({ actors: [counter.spec], workerCount: 1 });
  try {
    await statusWhere(counter, (s) => s.runs === 1 && !s.running);
    assert.ok(counter.runNow());
    await statusWhere(counter, (s) => s.runs === 2);
  } finally {
    await h.close();
  }
});

test("a service thread that crashes is restarted by the supervisor and runs again", async () => {
  const crasher = actor("crasher", {});
  const h = await startRuntime({ actors: [crasher.spec], workerCount: 1 });
  try {
    await h.rt.events.waitFor("actor:state", (e) => e.actorId === "crasher" && e.state === "restarting");
    await h.rt.events.waitFor("actor:state", (e) => e.actorId === "crasher" && e.state === "running" && e.restarts >= 1);
    assert.match(h.rt.actors().find((a) => a.id === "crasher")!.lastError!, /crash outside the pass/);
  } finally {
    await h.close();
  }
});

test("services sharing a thread each report their own passes, and a crash restarts every one of them", async () => {
  const shared = thread({ intervalMs: 60_000 });
  const counter = actor("counter", null, shared);
  const crasher = actor("crasher", null, shared);
  const h = await startRuntime({ actors: [counter.spec, crasher.spec], workerCount: 1 });
  try {
    await h.rt.events.waitFor("actor:state", (e) => e.actorId === "counter" && e.state === "restarting");
    await h.rt.events.waitFor("actor:state", (e) => e.actorId === "counter" && e.state === "running" && e.restarts >= 1);
    const after = await statusWhere(counter, (s) => s.runs >= 1 && !s.running);
    assert.is(after.name, "counter");
    assert.ok(h.rt.actors().find((a) => a.id === "crasher")!.restarts >= 1);
  } finally {
    await h.close();
  }
});

test("stopping one service of a shared thread leaves the others running", async () => {
  const supervisor = new Supervisor({ clock: systemClock, events: new RuntimeEvents(), logger: createLogger({ category: "test", level: "error" }) });
  const shared = thread({ intervalMs: 60_000 });
  const counter = actor("counter", null, shared);
  const ticker = actor("ticker", null, shared);
  supervisor.supervise(counter.spec);
  supervisor.supervise(ticker.spec);
  try {
    await statusWhere(counter, (s) => s.runs >= 1 && !s.running);
    await statusWhere(ticker, (s) => s.runs >= 1 && !s.running);
    await supervisor.stop("counter");
    assert.is(supervisor.status().find((a) => a.id === "counter")!.state, "stopped");
    assert.is(supervisor.status().find((a) => a.id === "ticker")!.state, "running");
    assert.not.ok(counter.runNow(), "the stopped service takes no more work");
    assert.ok(ticker.runNow());
    await statusWhere(ticker, (s) => s.runs >= 2);
  } finally {
    await supervisor.stopAll();
  }
});

test.run();
