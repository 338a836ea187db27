// The jobs API: details, the list (filters, search, keyset pages), requeue and delete.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { finished, json, startApp, type TestApp } from "./app-harness.ts";

const test = suite<{ t: TestApp }>("jobs api");
test.before(async (ctx) => {
  ctx.t = await startApp();
});
test.after(async (ctx) => ctx.t.close());

async function runToEnd(t: TestApp, type: string, args: unknown = null) {
  const { jobId } = await t.h.rt.enqueue(type, args);
  await finished(t, (e) => e.jobId === jobId);
  await t.h.rt.settle();
  return jobId;
}

const list = async (t: TestApp, query: string) => {
  const res = await t.app.request(`/api/backgroundjobs/jobs${query}`);
  return { status: res.status, body: await json(res) };
};

test("a job's details show state, history, result, attempts and its log, without a stack trace", async ({ t }) => {
  const id = await runToEnd(t, "cleanup");
  const res = await t.app.request(`/api/backgroundjobs/jobs/${id}`);
  assert.is(res.status, 200);
  const job = await json(res);
  assert.is(job.id, id);
  assert.is(job.type, "cleanup");
  assert.is(job.state, "Succeeded");
  assert.is(job.attempt, 1);
  assert.is(typeof job.maxRetries, "number");
  assert.equal(job.result, { removed: 0 });
  assert.equal(job.history.map((h: any) => h.state), ["Enqueued", "Processing", "Succeeded"]);
  assert.ok(job.history.every((h: any) => !Number.isNaN(Date.parse(h.at))));
  assert.equal(job.logs.map((l: any) => l.message), ["cleanup started"]);
  assert.equal(job.progress, { percent: 100, message: null });
  assert.is(job.dashboardUrl, `/hangfire/jobs/details/${id}`);
});

test("a failed job shows the error's type and message but never its stack", async ({ t }) => {
  const id = await runToEnd(t, "fails-once-per-call", { message: "stock must not be negative" });
  const job = await json(await t.app.request(`/api/backgroundjobs/jobs/${id}`));
  assert.is(job.state, "Failed");
  assert.equal(job.error, { type: "RangeError", message: "stock must not be negative" });
  const text = JSON.stringify(job);
  assert.not.match(text, /\bat .*\.ts:\d+/);
  assert.not.ok(text.includes('"stack"'));
});

test("an unknown job id is a 404 in the error shape", async ({ t }) => {
  for (const id of ["999999", "not-a-number"]) {
    const res = await t.app.request(`/api/backgroundjobs/jobs/${id}`);
    assert.is(res.status, 404);
    const body = await json(res);
    assert.is(body.error.code, "not_found");
    assert.match(body.error.message, id);
  }
});

test("the list pages newest first with a cursor, without gaps or repeats", async ({ t }) => {
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) ids.push((await t.h.rt.enqueue("popular-products", { page: i }, { delayMs: 3_600_000 })).jobId);
  const seen: string[] = [];
  let cursor = "";
  let pages = 0;
  for (;;) {
    const { status, body } = await list(t, `?type=popular-products&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
    assert.is(status, 200);
    assert.is(body.limit, 3);
    assert.ok(body.jobs.length <= 3);
    seen.push(...body.jobs.map((j: any) => j.id));
    pages++;
    if (!body.nextCursor) break;
    cursor = body.nextCursor;
  }
  assert.is(pages, 3);
  assert.equal(seen, [...ids].reverse());
});

test("the list filters by state and type together", async ({ t }) => {
  const scheduled = await t.h.rt.enqueue("weekly-inventory-report", null, { delayMs: 3_600_000 });
  await runToEnd(t, "weekly-inventory-report");
  const { body } = await list(t, "?state=Scheduled&type=weekly-inventory-report");
  assert.equal(body.jobs.map((j: any) => j.id), [scheduled.jobId]);
  assert.ok(body.jobs.every((j: any) => j.state === "Scheduled" && j.type === "weekly-inventory-report"));
  const succeeded = await list(t, "?state=succeeded&type=weekly-inventory-report");
  assert.is(succeeded.status, 200, "state names are matched without regard to case");
  assert.ok(succeeded.body.jobs.length >= 1 && succeeded.body.jobs.every((j: any) => j.state === "Succeeded"));
});

test("search finds jobs by text in their arguments and error messages", async ({ t }) => {
  const a = await t.h.rt.enqueue("popular-products", { sku: "ZEBRA-123" }, { delayMs: 3_600_000 });
  await t.h.rt.enqueue("popular-products", { sku: "LION-9" }, { delayMs: 3_600_000 });
  const failed = await runToEnd(t, "fails-once-per-call", { message: "warehouse quokka unreachable" });
  assert.equal((await list(t, "?q=ZEBRA")).body.jobs.map((j: any) => j.id), [a.jobId]);
  assert.equal((await list(t, "?q=quokka")).body.jobs.map((j: any) => j.id), [failed]);
  assert.equal((await list(t, "?q=nothing-matches-this")).body.jobs, []);
});

for (const [query, field, pattern] of [
  ["?state=Running", "state", /state must be one of Enqueued, Scheduled, Processing, Succeeded, Failed, Deleted/],
  ["?limit=0", "limit", /limit must be a whole number from 1 to 500/],
  ["?limit=501", "limit", /limit must be a whole number from 1 to 500/],
  ["?limit=ten", "limit", /limit must be a whole number/],
  ["?cursor=abc", "cursor", /cursor must be the nextCursor of a previous page/],
  [`?q=${"x".repeat(201)}`, "q", /q must be at most 200 characters/],
] as const) {
  test(`listing with ${query.slice(0, 20)} is a 400 naming ${field}`, async ({ t }) => {
    const { status, body } = await list(t, query);
    assert.is(status, 400);
    assert.is(body.error.code, "validation_error");
    assert.is(body.error.field, field);
    assert.match(body.error.message, pattern);
  });
}

test("a search or type filter with a control character is a 400 naming it, not a search cut short at the NUL", async ({ t }) => {
  await runToEnd(t, "cleanup");
  for (const [query, field] of [
    ["?q=cleanup%00zzz", "q"],
    ["?q=%00", "q"],
    ["?type=cleanup%00", "type"],
    ["?q=a%0Ab", "q"],
  ] as const) {
    const { status, body } = await list(t, query);
    assert.is(status, 400, query);
    assert.equal(body.error, { code: "validation_error", message: `${field} must not contain control characters`, field });
  }
});

test("requeue runs a finished job again and the list shows it Enqueued or done", async ({ t }) => {
  const id = await runToEnd(t, "cache-warmup");
  const again = t.h.rt.events.waitFor("job:succeeded", (e) => e.jobId === id, 15_000);
  const res = await t.app.request(`/api/backgroundjobs/jobs/${id}/requeue`, { method: "POST" });
  assert.is(res.status, 200);
  assert.equal(await json(res), { message: `Job ${id} requeued`, jobId: id, state: "Enqueued", dashboardUrl: `/hangfire/jobs/details/${id}` });
  await again;
  await t.h.rt.settle();
  const job = await json(await t.app.request(`/api/backgroundjobs/jobs/${id}`));
  assert.is(job.attempt, 2);
  assert.equal(job.history.map((h: any) => h.state), ["Enqueued", "Processing", "Succeeded", "Enqueued", "Processing", "Succeeded"]);
});

test("delete moves a scheduled job to Deleted; deleting it again is a 409", async ({ t }) => {
  const { jobId } = await t.h.rt.enqueue("cleanup", null, { delayMs: 3_600_000 });
  const res = await t.app.request(`/api/backgroundjobs/jobs/${jobId}`, { method: "DELETE" });
  assert.is(res.status, 200);
  assert.equal(await json(res), { message: `Job ${jobId} deleted`, jobId, state: "Deleted", dashboardUrl: `/hangfire/jobs/details/${jobId}` });
  assert.is((await json(await t.app.request(`/api/backgroundjobs/jobs/${jobId}`))).state, "Deleted");
  const twice = await t.app.request(`/api/backgroundjobs/jobs/${jobId}`, { method: "DELETE" });
  assert.is(twice.status, 409);
  assert.is((await json(twice)).error.code, "conflict");
});

test("requeueing a running job is a 409; deleting it stops it", async ({ t }) => {
  const started = t.h.rt.events.waitFor("job:processing", (e) => e.type === "slow", 15_000);
  const { jobId } = await t.h.rt.enqueue("slow", { ms: 30_000 });
  await started;
  await t.h.rt.settle();
  const requeue = await t.app.request(`/api/backgroundjobs/jobs/${jobId}/requeue`, { method: "POST" });
  assert.is(requeue.status, 409);
  assert.match((await json(requeue)).error.message, /running/);
  const del = await t.app.request(`/api/backgroundjobs/jobs/${jobId}`, { method: "DELETE" });
  assert.is(del.status, 200);
  assert.is((await json(await t.app.request(`/api/backgroundjobs/jobs/${jobId}`))).state, "Deleted");
});

test("requeue and delete of an unknown job are 404s", async ({ t }) => {
  assert.is((await t.app.request("/api/backgroundjobs/jobs/424242/requeue", { method: "POST" })).status, 404);
  assert.is((await t.app.request("/api/backgroundjobs/jobs/424242", { method: "DELETE" })).status, 404);
});

test("an id written another way than the job's own (1.0, 01, 0x1) names no job: requeue and delete are 404s and the job is untouched", async ({ t }) => {
  const id = await runToEnd(t, "cleanup");
  const before = await json(await t.app.request(`/api/backgroundjobs/jobs/${id}`));
  for (const alias of [`${id}.0`, `0${id}`, `0x${Number(id).toString(16)}`, `${id}e0`, `%20${id}`]) {
    const requeue = await t.app.request(`/api/backgroundjobs/jobs/${alias}/requeue`, { method: "POST" });
    assert.is(requeue.status, 404, `requeue ${alias}`);
    assert.is((await json(requeue)).error.code, "not_found");
    assert.is((await t.app.request(`/api/backgroundjobs/jobs/${alias}`, { method: "DELETE" })).status, 404, `delete ${alias}`);
  }
  const after = await json(await t.app.request(`/api/backgroundjobs/jobs/${id}`));
  assert.is(after.state, "Succeeded");
  assert.equal(after.history, before.history);
});

test("stats count jobs by state", async ({ t }) => {
  const body = await json(await t.app.request("/api/backgroundjobs/stats"));
  assert.equal(Object.keys(body.byState).sort(), ["Deleted", "Enqueued", "Failed", "Processing", "Scheduled", "Succeeded"]);
  assert.equal(body.byState, await t.h.rt.countByState());
  assert.is(body.recurringJobs, 5);
});

test.run();
