// One test against a real listening server (@hono/node-server on port 0): the socket's address
// decides "local", the seed's curl commands work over TCP, and the docs load.
import { serve, type ServerType } from "@hono/node-server";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createApp } from "../../src/app.ts";
import { finished, startApp, type TestApp } from "./app-harness.ts";

const test = suite<{ t: TestApp; server: ServerType; base: string }>("real server");
test.before(async (ctx) => {
  ctx.t = await startApp();
  const { clientAddress: _, ...deps } = ctx.t.deps; // the real socket decides, as in production
  const app = createApp(deps);
  await new Promise<void>((resolve) => {
    ctx.server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
  });
  ctx.base = `http://127.0.0.1:${(ctx.server.address() as AddressInfo).port}`;
});
test.after(async (ctx) => {
  await new Promise<void>((resolve) => ctx.server.close(() => resolve()));
  await ctx.t.close();
});

test("over real TCP from this machine: the seed's curl commands, the docs, metrics, health and the error shapes", async ({ t, base }) => {
  const list = await fetch(`${base}/api/backgroundjobs/recurring-jobs`);
  assert.is(list.status, 200);
  assert.is((await list.json()).totalJobs, 5);

  const trigger = await fetch(`${base}/api/backgroundjobs/trigger-analytics`, { method: "POST", headers: { "x-forwarded-for": "203.0.113.1" } });
  assert.is(trigger.status, 200, "a local socket is local, whatever X-Forwarded-For says");
  const body = await trigger.json();
  assert.is(body.message, "Analytics generation job queued successfully");
  assert.is(await finished(t, (e) => e.jobId === body.jobId), "succeeded");

  const cleanup = await fetch(`${base}/api/backgroundjobs/schedule-cleanup?delayMinutes=60`, { method: "POST" });
  assert.is(cleanup.status, 200);
  assert.is((await cleanup.json()).delayMinutes, 60);
  const bad = await fetch(`${base}/api/backgroundjobs/schedule-cleanup?delayMinutes=-1`, { method: "POST" });
  assert.is(bad.status, 400);
  assert.is((await bad.json()).error.field, "delayMinutes");

  const swagger = await fetch(`${base}/swagger`);
  assert.match(await swagger.text(), /swagger-ui-bundle\.js/);
  const doc = await (await fetch(`${base}/swagger/v1/swagger.json`)).json();
  assert.ok(doc.paths["/api/backgroundjobs/schedule-cleanup"]);
  assert.match(await (await fetch(`${base}/metrics`)).text(), /^# HELP catalog_jobs_/);
  assert.is((await fetch(`${base}/health`)).status, 200);

  // The 413 comes from the Content-Length alone, before the body is read (as curl would see it).
  const oversized = await new Promise<number>((resolve, reject) => {
    const req = request(`${base}/api/backgroundjobs/recurring-jobs/cleanup`, {
      method: "PATCH",
      headers: { "content-type": "application/json", "content-length": String(2 * 1024 * 1024) },
    });
    req.on("response", (res) => {
      resolve(res.statusCode!);
      res.resume();
      req.destroy();
    });
    req.on("error", reject);
    req.write("{");
  });
  assert.is(oversized, 413);
  assert.is((await fetch(`${base}/nope`)).status, 404);
  const wrong = await fetch(`${base}/api/backgroundjobs/trigger-analytics`);
  assert.is(wrong.status, 405);
  assert.is(wrong.headers.get("allow"), "POST");
});

test.run();
