// One error shape for every failure, the right status for each, and never a stack trace.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { json, startApp, type TestApp } from "./app-harness.ts";

const test = suite<{ t: TestApp }>("errors");
test.before(async (ctx) => {
  ctx.t = await startApp();
});
test.after(async (ctx) => ctx.t.close());

const MB = 1024 * 1024;

function assertShape(body: any, code: string) {
  assert.equal(Object.keys(body), ["error"]);
  assert.is(body.error.code, code);
  assert.is(typeof body.error.message, "string");
  assert.ok(body.error.message.length > 0);
}

test("an unknown route is a 404 in JSON", async ({ t }) => {
  for (const path of ["/nope", "/api/backgroundjobs/nope", "/api/backgroundjobs/jobs/1/nope"]) {
    const res = await t.app.request(path);
    assert.is(res.status, 404, path);
    assert.match(res.headers.get("content-type")!, /application\/json/);
    assertShape(await json(res), "not_found");
  }
});

test("a known path with the wrong method is a 405 with an Allow header", async ({ t }) => {
  const cases: [string, string, string][] = [
    ["DELETE", "/api/backgroundjobs/recurring-jobs", "GET, HEAD"],
    ["PUT", "/api/backgroundjobs/trigger-analytics", "POST"],
    ["GET", "/api/backgroundjobs/schedule-cleanup", "POST"],
    ["POST", "/api/backgroundjobs/jobs/42", "DELETE, GET, HEAD"],
    ["PUT", "/api/backgroundjobs/recurring-jobs/cleanup", "GET, HEAD, PATCH"],
    ["POST", "/metrics", "GET, HEAD"],
  ];
  for (const [method, path, allow] of cases) {
    const res = await t.app.request(path, { method });
    assert.is(res.status, 405, `${method} ${path}`);
    assert.is(res.headers.get("allow"), allow, `${method} ${path}`);
    const body = await json(res);
    assertShape(body, "method_not_allowed");
    assert.match(body.error.message, method);
  }
});

test("HEAD is answered wherever GET is", async ({ t }) => {
  const res = await t.app.request("/api/backgroundjobs/recurring-jobs", { method: "HEAD" });
  assert.is(res.status, 200);
  assert.is(await res.text(), "");
});

test("a repeated query parameter is named and said to be given once, wherever zod would word it", async ({ t }) => {
  // schedule-cleanup words the case itself (tests/routes/seed-endpoints.test.ts) and keeps it.
  for (const [method, path, field] of [
    ["GET", "/api/backgroundjobs/jobs?limit=5&limit=6", "limit"],
    ["GET", "/api/backgroundjobs/jobs?state=Failed&state=Succeeded", "state"],
    ["GET", "/api/backgroundjobs/cron/preview?cron=@daily&cron=@hourly", "cron"],
  ]) {
    const res = await t.app.request(path, { method });
    assert.is(res.status, 400, path);
    const body = await json(res);
    assertShape(body, "validation_error");
    assert.is(body.error.field, field, path);
    assert.match(body.error.message, new RegExp(`^${field} must be given once; got 2 values: \\["`), path);
  }
});

test("malformed JSON is a 400 naming the body", async ({ t }) => {
  const res = await t.app.request("/api/backgroundjobs/recurring-jobs/cleanup", {
    method: "PATCH",
    body: '{"cron": "0 4 * * *"',
    headers: { "content-type": "application/json" },
  });
  assert.is(res.status, 400);
  const body = await json(res);
  assertShape(body, "malformed_body");
  assert.is(body.error.field, "body");
});

test("a body over 1 MiB is a 413, by its Content-Length, before anything reads it", async ({ t }) => {
  const big = JSON.stringify({ cron: "0 4 * * *", pad: "x".repeat(MB) });
  const res = await t.app.request("/api/backgroundjobs/recurring-jobs/cleanup", {
    method: "PATCH",
    body: big,
    headers: { "content-type": "application/json", "content-length": String(big.length) },
  });
  assert.is(res.status, 413);
  assertShape(await json(res), "payload_too_large");
  assert.is((await t.h.rt.getRecurring("cleanup")).cron, "0 4 * * *");
});

test("a streamed body over 1 MiB without a Content-Length is a 413 too", async ({ t }) => {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (sent >= 2 * MB) return ctrl.close();
      sent += chunk.length;
      ctrl.enqueue(chunk);
    },
  });
  const res = await t.app.request("/api/backgroundjobs/recurring-jobs/cleanup", {
    method: "PATCH",
    body: stream,
    headers: { "content-type": "application/json" },
    duplex: "half",
  } as RequestInit);
  assert.is(res.status, 413);
  assertShape(await json(res), "payload_too_large");
});

test("a failure inside a handler is a 500 without a stack trace, and its cause is logged", async ({ t }) => {
  const rt = t.h.rt as unknown as { listRecurring: () => Promise<unknown> };
  const original = rt.listRecurring;
  rt.listRecurring = () => Promise.reject(new TypeError("cannot read properties of undefined (reading 'cron')"));
  try {
    const res = await t.app.request("/api/backgroundjobs/recurring-jobs");
    assert.is(res.status, 500);
    const text = await res.text();
    assertShape(JSON.parse(text), "internal_error");
    assert.not.match(text, /TypeError|cannot read|\.ts:\d+|at /);
    const logged = t.logs.records.find((r) => r.level === "error" && r.message.includes("GET /api/backgroundjobs/recurring-jobs failed"));
    assert.ok(logged, "the 500 is logged");
    assert.match((logged!.error as Error).message, /reading 'cron'/);
    assert.ok((logged!.error as Error).stack);
  } finally {
    rt.listRecurring = original;
  }
});

test("responses carry protective headers, as defaults a route may override", async ({ t }) => {
  const res = await t.app.request("/api/backgroundjobs/recurring-jobs");
  assert.is(res.headers.get("x-content-type-options"), "nosniff");
  assert.is(res.headers.get("x-frame-options"), "SAMEORIGIN");
  assert.is(res.headers.get("referrer-policy"), "same-origin", "no-referrer would make browsers send Origin: null on form POSTs");
  assert.is(res.headers.get("strict-transport-security"), null);
  const dashboard = await t.app.request("/hangfire");
  assert.is(dashboard.status, 200);
  assert.is(dashboard.headers.get("x-frame-options"), "DENY", "the dashboard's own choice is kept");
});

test.run();
