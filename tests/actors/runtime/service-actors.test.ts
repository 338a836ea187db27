import { test } from "uvu";
import * as assert from "uvu/assert";
import { pathToFileURL } from "node:url";
import { join } from "node:path";
import { SERVICE_WORKER_ENTRY } from "../../../src/actors/runtime/entry-points.ts";
import { ServiceActor } from "../../../src/actors/runtime/service-actor.ts";
import type { ServiceStatus } from "../../../src/actors/runtime/service-definition.ts";
import { startRuntime } from "../../helpers/runtime-harness.ts";

const MODULE = pathToFileURL(join(import.meta.dirname, "../../fixtures/test-services.ts")).href;

function actor(name: string, config: unknown) {
  return new ServiceActor({ name, title: name, entryUrl: SERVICE_WORKER_ENTRY(), serviceModules: [MODULE], servicesModule: null, config, logLevel: "error", rpc: {} });
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

test.run();
