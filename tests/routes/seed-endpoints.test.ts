// The endpoints users bring curl commands for: exact JSON, exact messages, and every way to get
// delayMinutes wrong.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { compileCron, nextAfter } from "../../src/actors/runtime/cron.ts";
import { FIVE_RECURRING, json, startApp, type TestApp } from "./app-harness.ts";

const test = suite<{ t: TestApp }>("seed endpoints");
test.before(async (ctx) => {
  ctx.t = await startApp();
});
test.after(async (ctx) => ctx.t.close());

const post = (t: TestApp, path: string) => t.app.request(path, { method: "POST" });

test("the recurring-jobs list has the five jobs with the contract's ids, names, schedules and crons, in order", async ({ t }) => {
  const res = await t.app.request("/api/backgroundjobs/recurring-jobs");
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type")!, /application\/json/);
  const body = await json(res);
  assert.equal(Object.keys(body), ["recurringJobs", "dashboardUrl", "totalJobs"]);
  assert.is(body.dashboardUrl, "/hangfire");
  assert.is(body.totalJobs, 5);
  assert.equal(
    body.recurringJobs.map((r: any) => [r.id, r.name, r.schedule, r.cron]),
    [
      ["daily-analytics", "Daily Analytics Generation", "Daily at 2:00 AM UTC", "0 2 * * *"],
      ["weekly-inventory-report", "Weekly Inventory Report", "Weekly on Monday at 3:00 AM UTC", "0 3 * * 1"],
      ["cache-warmup", "Cache Warmup", "Every 6 hours", "0 */6 * * *"],
      ["popular-products", "Popular Products Refresh", "Hourly at minute 15", "15 * * * *"],
      ["cleanup", "Cleanup Old Data", "Daily at 4:00 AM UTC", "0 4 * * *"],
    ],
  );
});

test("each recurring job carries its zone, state, next run (from its cron) and last run", async ({ t }) => {
  const body = await json(await t.app.request("/api/backgroundjobs/recurring-jobs"));
  for (const r of body.recurringJobs) {
    assert.equal(Object.keys(r).slice(0, 4), ["id", "name", "schedule", "cron"], "the seed's keys first, in its order");
    const def = FIVE_RECURRING.find((d) => d.id === r.id)!;
    const expectedNext = new Date(nextAfter(compileCron(def.cron, "UTC"), Date.parse(r.createdAt))!).toISOString();
    assert.equal(
      { ...r, createdAt: "…", updatedAt: "…" },
      {
        id: def.id,
        name: def.name,
        type: def.type,
        schedule: r.schedule,
        cron: def.cron,
        timeZone: "UTC",
        misfire: "relaxed",
        overlap: "allow",
        enabled: true,
        nextExecution: expectedNext,
        nextExecutionLocal: expectedNext.replace(/\.000Z$/, "+00:00"),
        lastExecution: null,
        lastJobId: null,
        lastJobState: null,
        error: null,
        createdAt: "…",
        updatedAt: "…",
      },
      r.id,
    );
  }
});

for (const [path, type, message] of [
  ["trigger-analytics", "daily-analytics", "Analytics generation job queued successfully"],
  ["trigger-inventory-report", "weekly-inventory-report", "Inventory report generation job queued successfully"],
  ["trigger-cache-warmup", "cache-warmup", "Cache warmup job queued successfully"],
] as const) {
  test(`POST ${path} answers the seed's exact JSON and the ${type} job runs at once`, async ({ t }) => {
    const done = t.h.rt.events.waitFor("job:succeeded", (e) => e.type === type, 15_000);
    const res = await post(t, `/api/backgroundjobs/${path}`);
    assert.is(res.status, 200);
    const body = await json(res);
    assert.equal(Object.keys(body), ["message", "jobId", "dashboardUrl"]);
    assert.equal(body, { message, jobId: body.jobId, dashboardUrl: "/hangfire" });
    assert.match(body.jobId, /^\d+$/);
    const ev = await done;
    assert.is(ev.jobId, body.jobId);
    await t.h.rt.settle();
    const job = await json(await t.app.request(`/api/backgroundjobs/jobs/${body.jobId}`));
    assert.is(job.type, type);
    assert.is(job.state, "Succeeded");
  });
}

test("schedule-cleanup creates a Scheduled cleanup job that runs delayMinutes from now, and says when", async ({ t }) => {
  const before = Date.now();
  const res = await post(t, "/api/backgroundjobs/schedule-cleanup?delayMinutes=60");
  const after = Date.now();
  assert.is(res.status, 200);
  const body = await json(res);
  assert.equal(Object.keys(body), ["message", "jobId", "scheduledAt", "delayMinutes", "dashboardUrl"]);
  assert.is(body.message, "Cleanup job scheduled to run in 60 minutes");
  assert.is(body.delayMinutes, 60);
  assert.is(body.dashboardUrl, "/hangfire");
  const at = Date.parse(body.scheduledAt);
  assert.ok(at >= before + 3_600_000 - 1 && at <= after + 3_600_000 + 1, `scheduledAt ${body.scheduledAt} is an hour after the request`);

  const job = (await t.h.rt.getJob(body.jobId))!;
  assert.is(job.type, "cleanup");
  assert.is(job.state, "Scheduled");
  assert.is(new Date(job.enqueueAt!).toISOString(), body.scheduledAt);
  const api = await json(await t.app.request(`/api/backgroundjobs/jobs/${body.jobId}`));
  assert.is(api.enqueueAt, body.scheduledAt);
});

test("a one-minute cleanup says 'minute', not 'minutes'", async ({ t }) => {
  const body = await json(await post(t, "/api/backgroundjobs/schedule-cleanup?delayMinutes=1"));
  assert.is(body.message, "Cleanup job scheduled to run in 1 minute");
});

test("the longest delay accepted is a year (525600 minutes)", async ({ t }) => {
  const res = await post(t, "/api/backgroundjobs/schedule-cleanup?delayMinutes=525600");
  assert.is(res.status, 200);
  assert.is((await json(res)).delayMinutes, 525600);
});

for (const [label, query] of [
  ["missing", ""],
  ["empty", "?delayMinutes="],
  ["negative", "?delayMinutes=-5"],
  ["zero", "?delayMinutes=0"],
  ["fractional", "?delayMinutes=1.5"],
  ["non-numeric", "?delayMinutes=soon"],
  ["in exponent form", "?delayMinutes=1e3"],
  ["hexadecimal", "?delayMinutes=0x10"],
  ["padded with spaces", "?delayMinutes=%205"],
  ["more than a year", "?delayMinutes=525601"],
  ["absurdly large", "?delayMinutes=99999999999999999999"],
  ["given twice", "?delayMinutes=5&delayMinutes=6"],
] as const) {
  test(`a ${label} delayMinutes is a 400 naming the field, and no job is created`, async ({ t }) => {
    const before = (await t.h.rt.listJobs({ type: "cleanup", limit: 1000 })).length;
    const res = await post(t, `/api/backgroundjobs/schedule-cleanup${query}`);
    assert.is(res.status, 400);
    const body = await json(res);
    assert.equal(Object.keys(body.error).sort(), ["code", "field", "message"]);
    assert.is(body.error.code, "validation_error");
    assert.is(body.error.field, "delayMinutes");
    assert.match(body.error.message, /^delayMinutes must be a whole number of minutes from 1 to 525600/);
    assert.is((await t.h.rt.listJobs({ type: "cleanup", limit: 1000 })).length, before);
  });
}

test("the trigger endpoints accept only POST", async ({ t }) => {
  const res = await t.app.request("/api/backgroundjobs/trigger-analytics");
  assert.is(res.status, 405);
  assert.is(res.headers.get("allow"), "POST");
});

test.run();
