// Recurring jobs by id (trigger, pause/resume, schedule changes — each read back through the API)
// and the cron preview, DST included.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { compileCron, nextAfter } from "../../src/actors/runtime/cron.ts";
import { finished, json, startApp, type TestApp } from "./app-harness.ts";

const test = suite<{ t: TestApp }>("recurring api");
test.before(async (ctx) => {
  ctx.t = await startApp({ clock: { now: () => Date.parse("2026-03-28T12:00:00Z"), setTimeout, clearTimeout } as never });
});
test.after(async (ctx) => ctx.t.close());

const base = "/api/backgroundjobs/recurring-jobs";
const get = async (t: TestApp, id: string) => json(await t.app.request(`${base}/${id}`));
const fromList = async (t: TestApp, id: string) =>
  (await json(await t.app.request(base))).recurringJobs.find((r: any) => r.id === id);
const patch = (t: TestApp, id: string, body: unknown, type = "application/json") =>
  t.app.request(`${base}/${id}`, { method: "PATCH", body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": type } });

test("one recurring job reads the same as its entry in the list", async ({ t }) => {
  const one = await get(t, "popular-products");
  assert.equal(one, await fromList(t, "popular-products"));
  assert.is(one.schedule, "Hourly at minute 15");
});

test("an unknown recurring id is a 404 for every action", async ({ t }) => {
  const tries: [string, string, unknown?][] = [
    ["GET", `${base}/nope`],
    ["POST", `${base}/nope/trigger`],
    ["POST", `${base}/nope/enable`],
    ["POST", `${base}/nope/disable`],
    ["PATCH", `${base}/nope`, { cron: "0 5 * * *" }],
  ];
  for (const [method, path, body] of tries) {
    const res = await t.app.request(path, { method, ...(body ? { body: JSON.stringify(body), headers: { "content-type": "application/json" } } : {}) });
    assert.is(res.status, 404, `${method} ${path}`);
    assert.is((await json(res)).error.code, "not_found");
  }
});

test("trigger runs the job now and the list shows it as the last execution with its state", async ({ t }) => {
  const res = await t.app.request(`${base}/daily-analytics/trigger`, { method: "POST" });
  assert.is(res.status, 200);
  const body = await json(res);
  assert.equal(body, { message: "Recurring job daily-analytics triggered", jobId: body.jobId, recurringJobId: "daily-analytics", dashboardUrl: "/hangfire" });
  assert.is(await finished(t, (e) => e.jobId === body.jobId), "succeeded");
  await t.h.rt.settle();
  const r = await fromList(t, "daily-analytics");
  assert.is(r.lastJobId, body.jobId);
  assert.is(r.lastJobState, "Succeeded");
  assert.ok(r.lastExecution !== null);
  const job = await json(await t.app.request(`/api/backgroundjobs/jobs/${body.jobId}`));
  assert.is(job.recurringId, "daily-analytics");
});

test("disable pauses a job (no next run) and enable resumes it from the next occurrence", async ({ t }) => {
  const off = await t.app.request(`${base}/cleanup/disable`, { method: "POST" });
  assert.is(off.status, 200);
  assert.is((await json(off)).enabled, false);
  let r = await fromList(t, "cleanup");
  assert.is(r.enabled, false);
  assert.is(r.nextExecution, null);

  const on = await t.app.request(`${base}/cleanup/enable`, { method: "POST" });
  assert.is(on.status, 200);
  r = await fromList(t, "cleanup");
  assert.is(r.enabled, true);
  assert.ok(Date.parse(r.nextExecution) > Date.now() - 1000);
  assert.is(new Date(Date.parse(r.nextExecution)).getUTCHours(), 4);
});

test("changing cron and time zone is validated, persisted, and recomputes the next run", async ({ t }) => {
  const before = Date.now();
  const res = await patch(t, "weekly-inventory-report", { cron: "30 1 * * *", timeZone: "Europe/Berlin", misfire: "strict" });
  assert.is(res.status, 200);
  const changed = await json(res);
  const r = await fromList(t, "weekly-inventory-report");
  assert.equal(r, changed);
  assert.is(r.cron, "30 1 * * *");
  assert.is(r.timeZone, "Europe/Berlin");
  assert.is(r.misfire, "strict");
  assert.is(r.schedule, "Daily at 1:30 AM Europe/Berlin");
  const expected = nextAfter(compileCron("30 1 * * *", "Europe/Berlin"), before)!;
  assert.is(r.nextExecution, new Date(expected).toISOString());
  assert.match(r.nextExecutionLocal, /T01:30:00\+0[12]:00$/);
  const stored = await t.h.rt.getRecurring("weekly-inventory-report");
  assert.is(stored.cron, "30 1 * * *");
});

test("overlap is allow by default and PATCH sets it to skip, read back from the ledger", async ({ t }) => {
  assert.is((await get(t, "popular-products")).overlap, "allow");
  // A next run that recomputing from now would not give (12:15 would be next): it must stay.
  const pending = Date.parse("2026-03-28T13:15:00Z");
  await t.h.rt.ledger.updateRecurring("popular-products", { nextExecution: pending }, Date.parse("2026-03-28T12:00:00Z"));
  const res = await patch(t, "popular-products", { overlap: "skip" });
  assert.is(res.status, 200);
  const changed = await json(res);
  assert.is(changed.overlap, "skip");
  assert.is(changed.nextExecution, new Date(pending).toISOString(), "a policy alone does not move the next run");
  assert.is((await fromList(t, "popular-products")).overlap, "skip");
  assert.is((await t.h.rt.getRecurring("popular-products")).overlap, "skip");
  assert.is((await patch(t, "popular-products", { overlap: "allow" })).status, 200);
});

test("PATCH can pause through enabled:false and a 6-field cron is accepted", async ({ t }) => {
  const res = await patch(t, "cache-warmup", { cron: "30 0 */6 * * *", enabled: false });
  assert.is(res.status, 200);
  const r = await fromList(t, "cache-warmup");
  assert.is(r.cron, "30 0 */6 * * *");
  assert.is(r.enabled, false);
  assert.is(r.nextExecution, null);
});

for (const [label, body, field, pattern] of [
  ["a cron with three fields", { cron: "0 2 *" }, "cron", /cron must have 5 fields/],
  ["a cron with an out-of-range hour", { cron: "0 25 * * *" }, "cron", /hour 25 is out of range/],
  ["an unknown time zone", { timeZone: "Mars/Olympus" }, "timeZone", /Mars\/Olympus/],
  ["an unknown misfire policy", { misfire: "sometimes" }, "misfire", /misfire must be relaxed, strict or ignorable/],
  ["an unknown overlap policy", { overlap: "queue" }, "overlap", /overlap must be allow or skip; got "queue"/],
  ["a field that doesn't exist", { schedule: "daily" }, "schedule", /schedule is not a field of a recurring job/],
  ["a cron that isn't a string", { cron: 5 }, "cron", /cron must be a string/],
  ["an empty object", {}, "body", /at least one of cron, timeZone, misfire, overlap or enabled/],
  ["malformed JSON", "{cron: ", "body", /not valid JSON/],
  ["a cron no date matches (February 30)", { cron: "0 0 30 2 *" }, "cron", /^cron "0 0 30 2 \*" never fires: no date matches it/],
  ["a cron no date matches (April 31)", { cron: "0 0 31 4 *" }, "cron", /never fires/],
] as const) {
  test(`PATCH with ${label} is a 400 naming ${field}, and nothing changes`, async ({ t }) => {
    const before = await get(t, "popular-products");
    const res = await patch(t, "popular-products", body);
    assert.is(res.status, 400);
    const err = (await json(res)).error;
    assert.is(err.field, field);
    assert.match(err.message, pattern);
    assert.equal(await get(t, "popular-products"), before);
  });
}

test("PATCH stores cron and time zone in the form that was checked, not as typed", async ({ t }) => {
  const res = await patch(t, "cleanup", { cron: "  0\n4  * * *  ", timeZone: "europe/berlin" });
  assert.is(res.status, 200);
  const r = await json(res);
  assert.is(r.cron, "0 4 * * *");
  assert.is(r.timeZone, "Europe/Berlin");
  assert.is(r.schedule, "Daily at 4:00 AM Europe/Berlin");
  const stored = await t.h.rt.getRecurring("cleanup");
  assert.equal([stored.cron, stored.timeZone], ["0 4 * * *", "Europe/Berlin"]);
  assert.is((await patch(t, "cleanup", { cron: "0 4 * * *", timeZone: "UTC" })).status, 200);
});

test("PATCH with a body that is not JSON is refused with 415", async ({ t }) => {
  const res = await patch(t, "popular-products", "cron=5", "text/plain");
  assert.is(res.status, 415);
  assert.equal((await json(res)).error, {
    code: "unsupported_media_type",
    message: 'send the body as JSON with Content-Type: application/json; got "text/plain"',
    field: "Content-Type",
  });
  // Bytes, not a string: a string body would be given text/plain by Request itself.
  const none = await t.app.request(`${base}/popular-products`, { method: "PATCH", body: new TextEncoder().encode('{"overlap":"skip"}') });
  assert.is(none.status, 415);
  assert.match((await json(none)).error.message, /got no Content-Type$/);
});

// ---- cron preview --------------------------------------------------------------------------------

const preview = async (t: TestApp, query: string) => {
  const res = await t.app.request(`/api/backgroundjobs/cron/preview?${query}`);
  return { status: res.status, body: await json(res) };
};

test("the preview follows Berlin's spring-forward: 2:30 runs at 3:00 the day the hour is skipped", async ({ t }) => {
  const { status, body } = await preview(t, "cron=30%202%20*%20*%20*&timeZone=Europe/Berlin&from=2026-03-27T12:00:00Z&count=4");
  assert.is(status, 200);
  assert.is(body.description, "Daily at 2:30 AM Europe/Berlin");
  assert.equal(body.occurrences, ["2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00", "2026-03-30T02:30:00+02:00", "2026-03-31T02:30:00+02:00"]);
  assert.equal(body.occurrencesUtc, ["2026-03-28T01:30:00.000Z", "2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z", "2026-03-31T00:30:00.000Z"]);
});

test("the preview of the issue's example matches it", async ({ t }) => {
  const { body } = await preview(t, "cron=0%202%20*%20*%20*&timeZone=Europe/Berlin&from=2026-03-29T00:00:00Z&count=5");
  assert.is(body.occurrences[0], "2026-03-29T03:00:00+02:00");
  assert.is(body.occurrences.length, 5);
  assert.is(body.occurrences[1], "2026-03-30T02:00:00+02:00");
});

test("the preview follows Berlin's fall-back: an hourly job runs in both passes of the repeated hour", async ({ t }) => {
  const { body } = await preview(t, "cron=0%20*%20*%20*%20*&timeZone=Europe/Berlin&from=2026-10-25T00:30:00Z&count=3");
  assert.equal(body.occurrences, ["2026-10-25T02:00:00+01:00", "2026-10-25T03:00:00+01:00", "2026-10-25T04:00:00+01:00"]);
  const fixed = await preview(t, "cron=30%202%20*%20*%20*&timeZone=Europe/Berlin&from=2026-10-24T12:00:00Z&count=2");
  assert.equal(fixed.body.occurrences, ["2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"]);
});

test("occurrences are strictly after from", async ({ t }) => {
  const { body } = await preview(t, "cron=0%202%20*%20*%20*&from=2026-03-29T02:00:00Z&count=1");
  assert.equal(body.occurrences, ["2026-03-30T02:00:00+00:00"]);
});

test("without from the preview starts at the injected clock's now", async ({ t }) => {
  const { body } = await preview(t, "cron=0%2013%20*%20*%20*&count=2");
  assert.is(body.from, "2026-03-28T12:00:00.000Z");
  assert.equal(body.occurrences, ["2026-03-28T13:00:00+00:00", "2026-03-29T13:00:00+00:00"]);
  assert.is(body.timeZone, "UTC");
});

test("6-field expressions (seconds first) preview to the second", async ({ t }) => {
  const { status, body } = await preview(t, "cron=*/20%20*%20*%20*%20*%20*&from=2026-03-28T12:00:00Z&count=3");
  assert.is(status, 200);
  assert.equal(body.occurrences, ["2026-03-28T12:00:20+00:00", "2026-03-28T12:00:40+00:00", "2026-03-28T12:01:00+00:00"]);
});

test("count defaults to 5", async ({ t }) => {
  assert.is((await preview(t, "cron=@daily&from=2026-01-01T00:00:00Z")).body.occurrences.length, 5);
});

for (const [label, query, field] of [
  ["a missing cron", "timeZone=UTC", "cron"],
  ["an invalid cron", "cron=61%20*%20*%20*%20*", "cron"],
  ["a cron with 7 fields", "cron=0%200%200%201%201%20*%202026", "cron"],
  ["an unknown zone", "cron=@daily&timeZone=Europe/Atlantis", "timeZone"],
  ["a Windows zone id", "cron=@daily&timeZone=W.%20Europe%20Standard%20Time", "timeZone"],
  ["a from that is not a date", "cron=@daily&from=yesterday", "from"],
  ["a from without an offset", "cron=@daily&from=2026-03-29T00:00:00", "from"],
  ["a from on February 30", "cron=@daily&from=2026-02-30T00:00:00Z", "from"],
  ["a from at hour 24", "cron=@daily&from=2026-03-29T24:00:00%2B02:00", "from"],
  ["a from at minute 60", "cron=@daily&from=2026-03-29T10:60:00Z", "from"],
  ["a count of 0", "cron=@daily&count=0", "count"],
  ["a count of 101", "cron=@daily&count=101", "count"],
] as const) {
  test(`the preview with ${label} is a 400 naming ${field}`, async ({ t }) => {
    const { status, body } = await preview(t, query);
    assert.is(status, 400);
    assert.is(body.error.code, "validation_error");
    assert.is(body.error.field, field);
    assert.ok(body.error.message.length > 10);
  });
}

test.run();
