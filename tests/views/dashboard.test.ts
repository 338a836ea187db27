// The dashboard through app.request(): pages as full documents and as htmx parts, escaping of
// everything a job carries, keyset pages, filters and search, actions with CSRF tokens, the
// live event stream. A real runtime (worker threads, a temp ledger) answers behind it.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { NewJob } from "../../src/ledger/ledger.ts";
import { type Dashboard, hx, jobReaches, startDashboard } from "./dashboard-harness.ts";

interface Ctx {
  d: Dashboard;
}

const test = suite<Ctx>("dashboard views");
const FAR = Date.now() + 30 * 86_400_000;
const HOSTILE = "<script>alert('pwned')</script>";

test.before(async (ctx) => {
  ctx.d = await startDashboard();
});

test.after(async (ctx) => {
  await ctx.d.close();
});

/** Jobs written straight to the ledger, Scheduled a month ahead so no worker touches them. */
async function parked(ctx: Ctx, jobs: Partial<NewJob>[]): Promise<string[]> {
  const r = await ctx.d.h.ledger.write({
    now: Date.now(),
    jobs: jobs.map((j) => ({ type: "noop", args: null, state: "Scheduled", enqueueAt: FAR, reason: "Parked by a test", maxRetries: 3, ...j }) as NewJob),
  });
  return r.jobs.map((j) => j.id);
}

async function html(res: Response | Promise<Response>): Promise<string> {
  const r = await res;
  return r.text();
}

function rowIds(page: string): string[] {
  return [...page.matchAll(/<tr id="job-row-(\d+)"/g)].map((m) => m[1]);
}

function olderLink(page: string): string | null {
  const m = /href="([^"]+)" rel="next"/.exec(page);
  return m ? m[1].replaceAll("&amp;", "&") : null;
}

test("every page is a whole document with the CSRF token in a meta tag and in htmx's headers", async (ctx) => {
  const paths = [
    "/hangfire",
    ...["enqueued", "scheduled", "processing", "succeeded", "failed", "deleted", "all"].map((s) => `/hangfire/jobs/${s}`),
    "/hangfire/retries",
    "/hangfire/recurring",
    "/hangfire/recurring/edit/nightly-echo",
    "/hangfire/servers",
  ];
  for (const path of paths) {
    const res = await ctx.d.get(path);
    const body = await res.text();
    assert.is(res.status, 200, path);
    assert.ok(body.startsWith("<!doctype html>"), `${path} is a document`);
    const token = /<meta name="csrf-token" content="([^"]+)"/.exec(body)?.[1];
    assert.ok(token, `${path} has a csrf-token meta`);
    assert.ok(body.includes(`hx-headers="{&quot;X-CSRF-Token&quot;:&quot;${token}&quot;}"`), `${path} sends the token from htmx`);
    assert.match(res.headers.get("vary") ?? "", /HX-Request/, `${path} varies on HX-Request`);
    assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/, `${path} has a CSP`);
    assert.ok(body.includes('src="/hangfire/assets/htmx.min.js?v='), `${path} loads htmx from this server`);
  }
});

test("every form that posts carries a hidden CSRF field", async (ctx) => {
  const [failed] = await parked(ctx, [{ type: "echo" }]);
  for (const path of ["/hangfire/jobs/scheduled", `/hangfire/jobs/details/${failed}`, "/hangfire/recurring", "/hangfire/recurring/edit/nightly-echo"]) {
    const body = await html(ctx.d.get(path));
    const forms = body.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];
    assert.ok(forms.length > 0, `${path} has POST forms`);
    const meta = /<meta name="csrf-token" content="([^"]+)"/.exec(body)![1];
    for (const f of forms) assert.ok(f.includes(`<input type="hidden" name="_csrf" value="${meta}"/>`), `${path}: ${f.slice(0, 120)}`);
  }
});

test("a job whose arguments, error, reason and log lines contain <script> shows them as text", async (ctx) => {
  const [id] = await parked(ctx, [{ type: "echo", args: { note: HOSTILE, "<b>key</b>": "x" } }]);
  const now = Date.now();
  await ctx.d.h.ledger.write({
    now,
    logs: [{ jobId: id, at: now, level: "error", message: `log says ${HOSTILE}` }],
    transitions: [
      {
        jobId: id,
        from: ["Scheduled"],
        to: "Failed",
        reason: `reason ${HOSTILE}`,
        at: now,
        error: { type: "<img src=x onerror=alert(1)>", message: `message ${HOSTILE}`, stack: `stack ${HOSTILE}` },
      },
    ],
  });
  const pages = [
    await html(ctx.d.get(`/hangfire/jobs/details/${id}`)),
    await html(ctx.d.get("/hangfire/jobs/failed")),
    await html(ctx.d.get(`/hangfire/jobs/all?q=${encodeURIComponent("pwned")}`)),
    await html(ctx.d.get(`/hangfire/jobs/details/${id}`, hx("job-view"))),
  ];
  for (const page of pages) {
    assert.not.ok(page.includes("<script>alert"), "no live script element");
    assert.not.ok(page.includes("<img src=x"), "no live img element");
    assert.not.ok(page.includes("<b>key</b>"), "no live markup from argument keys");
  }
  const details = pages[0];
  assert.ok(details.includes("&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;"), "arguments shown as text");
  assert.ok(details.includes("message &lt;script&gt;"), "error message shown as text");
  assert.ok(details.includes("stack &lt;script&gt;"), "stack shown as text");
  assert.ok(details.includes("log says &lt;script&gt;"), "log line shown as text");
  assert.ok(details.includes("reason &lt;script&gt;"), "reason shown as text");
  assert.ok(details.includes("&lt;img src=x onerror=alert(1)&gt;"), "exception type shown as text");
  assert.ok(pages[2].includes(`job-row-${id}`), "search by text in the error finds it");
});

test("a search text with markup comes back escaped in the search box", async (ctx) => {
  const page = await html(ctx.d.get(`/hangfire/jobs/all?q=${encodeURIComponent('"><script>x</script>')}`));
  assert.not.ok(page.includes('"><script>x'));
  assert.ok(page.includes('value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"'));
});

test("keyset pages: Older continues below the last id, without overlap, until the end", async (ctx) => {
  const ids = await parked(ctx, Array.from({ length: 45 }, (_, i) => ({ type: "sleeps", args: { ms: i, batch: "paging-45" } })));
  const seen: string[] = [];
  let url: string | null = "/hangfire/jobs/scheduled?type=sleeps&q=paging-45";
  let pages = 0;
  while (url) {
    const page = await html(ctx.d.get(url));
    const rows = rowIds(page);
    assert.ok(rows.length <= 20, "at most 20 per page by default");
    seen.push(...rows);
    url = olderLink(page);
    pages++;
    if (url) assert.match(url, /before=\d+/);
  }
  assert.is(pages, 3);
  assert.equal(seen, [...ids].reverse(), "every job once, newest first");
  const fifty = rowIds(await html(ctx.d.get("/hangfire/jobs/scheduled?type=sleeps&q=paging-45&limit=50")));
  assert.is(fifty.length, 45, "limit=50 shows them all");
});

test("filter by type and search by id or by text in the arguments", async (ctx) => {
  const [zebra, other, echo] = await parked(ctx, [
    { type: "sleeps", args: { customer: "Zebra Logistics Ltd" } },
    { type: "sleeps", args: { customer: "Aardvark Inc" } },
    { type: "echo", args: { customer: "Zebra Logistics Ltd" } },
  ]);
  const byText = rowIds(await html(ctx.d.get("/hangfire/jobs/all?q=zebra%20logistics")));
  assert.ok(byText.includes(zebra) && byText.includes(echo) && !byText.includes(other), `text search: ${byText}`);
  const byTypeAndText = rowIds(await html(ctx.d.get("/hangfire/jobs/all?q=zebra%20logistics&type=echo")));
  assert.equal(byTypeAndText, [echo]);
  const byId = rowIds(await html(ctx.d.get(`/hangfire/jobs/all?q=${other}`)));
  assert.ok(byId.includes(other), "search by id");
  const none = await html(ctx.d.get("/hangfire/jobs/all?q=no-such-text-anywhere"));
  assert.ok(none.includes("No job matches this search."));
  const cut = rowIds(await html(ctx.d.get("/hangfire/jobs/all?q=%00no-such-text")));
  assert.equal(cut, [], "a NUL does not cut the search short");
});

test("htmx gets only the part it targets; #main gets content, title and the nav out of band", async (ctx) => {
  const table = await ctx.d.get("/hangfire/jobs/scheduled?q=zebra", hx("job-table"));
  const t = await table.text();
  assert.is(table.status, 200);
  assert.match(table.headers.get("vary") ?? "", /HX-Request/);
  assert.ok(t.startsWith('<div id="job-table"'), t.slice(0, 60));
  assert.not.ok(t.includes("<html"));
  const main = await html(ctx.d.get("/hangfire/recurring", hx("main")));
  assert.not.ok(main.includes("<html"));
  assert.match(main, /^<title>Recurring jobs · Catalog Jobs<\/title>/);
  assert.ok(main.includes('<nav id="nav" class="nav" aria-label="Dashboard" hx-swap-oob="true">'));
  const restore = await html(ctx.d.get("/hangfire/recurring", { ...hx("main"), "HX-History-Restore-Request": "true" }));
  assert.ok(restore.startsWith("<!doctype html>"), "a history restore gets the whole page");
  const tabs = await html(ctx.d.get("/hangfire/jobs/failed", hx("state-tabs")));
  assert.ok(tabs.startsWith('<nav id="state-tabs"'));
  const live = await html(ctx.d.get("/hangfire", hx("overview-live")));
  assert.ok(live.startsWith('<div id="overview-live"'));
  assert.ok(live.includes("<svg"), "with the realtime graph");
});

test("a browser's POST without a CSRF token is refused; with one, requeue redirects to the job with a notice", async (ctx) => {
  const [id] = await parked(ctx, [{ type: "noop", args: { csrf: true } }]);
  const browser = { origin: "http://localhost", "sec-fetch-site": "same-origin" };
  const refused = await ctx.d.post(`/hangfire/jobs/actions/requeue/${id}`, {}, browser);
  assert.is(refused.status, 403);
  assert.is((await ctx.d.h.rt.getJob(id))!.state, "Scheduled", "nothing happened");
  const forged = await ctx.d.post(`/hangfire/jobs/actions/delete/${id}`, { _csrf: "v1.forged.token.x" }, browser);
  assert.is(forged.status, 403);
  const ok = await ctx.d.post(`/hangfire/jobs/actions/requeue/${id}`, { _csrf: await ctx.d.csrf() }, browser);
  assert.is(ok.status, 303);
  const location = ok.headers.get("location")!;
  assert.match(location, new RegExp(`^/hangfire/jobs/details/${id}\\?done=requeue&n=1&job=${id}$`));
  await jobReaches(ctx.d.h.rt, id, ["Succeeded"]);
  const page = await html(ctx.d.get(location));
  assert.ok(page.includes(`Job #${id} requeued.`), "notice on the page");
  assert.ok(page.includes("Requeued from the dashboard"), "the timeline shows why");
});

test("a header token works for htmx, and a cross-site POST is refused even with one", async (ctx) => {
  const [id] = await parked(ctx, [{ type: "noop" }]);
  const token = await ctx.d.csrf();
  const cross = await ctx.d.post(`/hangfire/jobs/actions/delete/${id}`, {}, { origin: "https://evil.example", "X-CSRF-Token": token });
  assert.is(cross.status, 403);
  const ok = await ctx.d.post(`/hangfire/jobs/actions/delete/${id}`, {}, { origin: "http://localhost", "X-CSRF-Token": token, ...hx("main") });
  assert.is(ok.status, 303);
  assert.is((await ctx.d.h.rt.getJob(id))!.state, "Deleted");
  // htmx follows the redirect with its headers: the job page answers with #main's content.
  const followed = await html(ctx.d.get(ok.headers.get("location")!, hx("main")));
  assert.ok(followed.includes(`Job #${id} deleted.`));
  assert.not.ok(followed.includes("<html"));
});

test("a single-job action that can't apply says so instead of failing", async (ctx) => {
  const [id] = await parked(ctx, [{ type: "noop" }]);
  await ctx.d.post(`/hangfire/jobs/actions/delete/${id}`, {});
  const again = await ctx.d.post(`/hangfire/jobs/actions/delete/${id}`, {});
  assert.is(again.status, 303);
  const page = await html(ctx.d.get(again.headers.get("location")!));
  assert.ok(page.includes(`Job #${id} was not deleted`), "error notice");
  const missing = await ctx.d.post("/hangfire/jobs/actions/requeue/999999999", {});
  assert.is(missing.status, 303);
  const gone = await ctx.d.get(missing.headers.get("location")!);
  assert.is(gone.status, 404);
  assert.ok((await gone.text()).includes("was not found"));
});

test("batch delete applies to the selected jobs, counts what it skipped, and returns to the filtered list", async (ctx) => {
  const [a, b, c] = await parked(ctx, [{ type: "noop" }, { type: "noop" }, { type: "noop" }]);
  await ctx.d.post(`/hangfire/jobs/actions/delete/${c}`, {});
  const res = await ctx.d.post("/hangfire/jobs/scheduled/batch", {
    action: "delete",
    jobs: [a, b, c, "not-a-number"],
    next: "/hangfire/jobs/scheduled?q=noop&done=requeue&n=9",
  });
  assert.is(res.status, 303);
  assert.is(res.headers.get("location"), "/hangfire/jobs/scheduled?q=noop&done=delete&n=2&skipped=1");
  for (const id of [a, b]) assert.is((await ctx.d.h.rt.getJob(id))!.state, "Deleted");
  const page = await html(ctx.d.get(res.headers.get("location")!));
  assert.ok(page.includes("2 jobs deleted. Skipped 1 job that were already deleted or no longer exist."));
  const requeue = await ctx.d.post("/hangfire/jobs/deleted/batch", { action: "requeue", jobs: [a], next: "/hangfire/jobs/deleted" });
  assert.is(requeue.headers.get("location"), "/hangfire/jobs/deleted?done=requeue&n=1");
});

test("an action's `next` pointing anywhere but the dashboard is ignored", async (ctx) => {
  for (const next of ["https://evil.example/", "//evil.example/x", "/api/jobs", "/hangfire\\@evil", "/hangfire/..//evil.example/x", "/hangfire/%2e%2e//evil.example", "/hangfire/../api/jobs"]) {
    const res = await ctx.d.post("/hangfire/jobs/failed/batch", { action: "requeue", jobs: [], next });
    assert.match(res.headers.get("location") ?? "", /^\/hangfire\/jobs\/failed\?done=requeue&n=0$/, next);
  }
  const ok = await ctx.d.post("/hangfire/jobs/failed/batch", { action: "requeue", jobs: [], next: "/hangfire/jobs/failed?type=echo" });
  assert.is(ok.headers.get("location"), "/hangfire/jobs/failed?type=echo&done=requeue&n=0", "a dashboard page keeps its query");
});

test("Trigger now through htmx answers with the recurring job's row, which follows its job", async (ctx) => {
  const headers = hx("rec-nightly-echo");
  const res = await ctx.d.post("/hangfire/recurring/trigger/nightly-echo", {}, headers);
  assert.is(res.status, 303);
  const location = res.headers.get("location")!;
  const jobId = /job=(\d+)/.exec(location)?.[1];
  assert.ok(jobId, location);
  const row = await html(ctx.d.get(location, headers));
  assert.ok(row.startsWith('<tr id="rec-nightly-echo"'), row.slice(0, 80));
  assert.ok(row.includes(`href="/hangfire/jobs/details/${jobId}"`), "links the new job");
  const page = await html(ctx.d.get(location));
  assert.ok(page.includes(`Triggered nightly-echo: job #${jobId} is enqueued.`));
});

test("Disable stops a recurring job's schedule and Enable restarts it", async (ctx) => {
  await ctx.d.post("/hangfire/recurring/disable/berlin-report", {});
  let r = await ctx.d.h.rt.getRecurring("berlin-report");
  assert.is(r.enabled, false);
  assert.is(r.nextExecution, null);
  const row = await html(ctx.d.get("/hangfire/recurring", hx("rec-berlin-report")));
  assert.ok(row.includes("Disabled") && row.includes("/hangfire/recurring/enable/berlin-report"));
  await ctx.d.post("/hangfire/recurring/enable/berlin-report", {});
  r = await ctx.d.h.rt.getRecurring("berlin-report");
  assert.is(r.enabled, true);
  assert.ok(r.nextExecution !== null && r.nextExecution > Date.now());
  const missing = await ctx.d.post("/hangfire/recurring/trigger/no-such-job", {});
  assert.is(missing.status, 404);
});

test("editing a schedule: a bad cron shows the form again with the reason; a good one is saved", async (ctx) => {
  const bad = await ctx.d.post("/hangfire/recurring/edit/berlin-report", { cron: "61 * * * *", timeZone: "Europe/Berlin", misfire: "relaxed" });
  assert.is(bad.status, 422);
  const badPage = await bad.text();
  assert.ok(badPage.includes('data-testid="save-error"'));
  assert.ok(badPage.includes('value="61 * * * *"'), "keeps what was typed");
  const zone = await ctx.d.post("/hangfire/recurring/edit/berlin-report", { cron: "0 7 * * *", timeZone: "Mars/Olympus", misfire: "relaxed" });
  assert.is(zone.status, 422);
  const preview = await ctx.d.post("/hangfire/recurring/edit/berlin-report", { cron: "0 7 * * *", timeZone: "Asia/Tokyo", misfire: "strict", intent: "preview" });
  assert.is(preview.status, 200);
  assert.ok((await preview.text()).includes("Asia/Tokyo"));
  assert.is((await ctx.d.h.rt.getRecurring("berlin-report")).cron, "30 6 * * 1-5", "preview saves nothing");
  const ok = await ctx.d.post("/hangfire/recurring/edit/berlin-report", { cron: "0 7 * * *", timeZone: "Asia/Tokyo", misfire: "strict", overlap: "skip" });
  assert.is(ok.status, 303);
  assert.is(ok.headers.get("location"), "/hangfire/recurring?done=save&rec=berlin-report");
  const r = await ctx.d.h.rt.getRecurring("berlin-report");
  assert.equal([r.cron, r.timeZone, r.misfire, r.overlap], ["0 7 * * *", "Asia/Tokyo", "strict", "skip"]);
  assert.ok((await html(ctx.d.get("/hangfire/recurring"))).includes('data-testid="no-overlap-berlin-report"'), "the list says it skips while running");
  assert.ok((await html(ctx.d.get("/hangfire/recurring/edit/berlin-report"))).includes('<option value="skip" selected'), "the form shows it");
  const bad2 = await ctx.d.post("/hangfire/recurring/edit/berlin-report", { cron: "0 7 * * *", timeZone: "Asia/Tokyo", misfire: "strict", overlap: "sometimes" });
  assert.is(bad2.status, 422, "an overlap policy that doesn't exist is refused");
  const blank = await ctx.d.post("/hangfire/recurring/edit/berlin-report", { cron: "0 7 * * *", timeZone: "Asia/Tokyo", misfire: "", overlap: "" });
  assert.is(blank.status, 422, "and so is a blank one");
  assert.equal([(await ctx.d.h.rt.getRecurring("berlin-report")).misfire, (await ctx.d.h.rt.getRecurring("berlin-report")).overlap], ["strict", "skip"]);
  await ctx.d.h.rt.updateRecurring("berlin-report", { cron: "30 6 * * 1-5", timeZone: "Europe/Berlin", misfire: "relaxed", overlap: "allow" });
});

test("a form post whose body cannot be read is a 400 page that changed nothing, not a server error", async (ctx) => {
  const before = await ctx.d.h.rt.getRecurring("berlin-report");
  for (const [path, type] of [
    ["/hangfire/recurring/edit/berlin-report", "multipart/form-data; boundary=xyz"],
    ["/hangfire/recurring/edit/berlin-report", "multipart/form-data"],
    ["/hangfire/jobs/succeeded/batch", "multipart/form-data; boundary=xyz"],
  ]) {
    const res = await ctx.d.app.request(path, { method: "POST", body: "garbage", headers: { "content-type": type } });
    assert.is(res.status, 400, `${path} with ${type}`);
    assert.ok((await res.text()).includes("The form could not be read"));
  }
  assert.equal(await ctx.d.h.rt.getRecurring("berlin-report"), before);
  assert.not.ok(ctx.d.logs.records.some((r) => r.level === "error"), "nothing logged as a server failure");
});

test("the cron preview says the schedule in words and lists the next runs in the zone and in UTC", async (ctx) => {
  const res = await ctx.d.get(`/hangfire/recurring/preview?cron=${encodeURIComponent("30 6 * * 1-5")}&timeZone=Europe/Berlin`, hx("cron-preview"));
  const body = await res.text();
  assert.ok(body.startsWith('<div id="cron-preview"'));
  assert.ok(body.includes("Monday through Friday at 6:30 AM Europe/Berlin"), body.slice(0, 300));
  assert.is((body.match(/<li>/g) ?? []).length, 5);
  assert.match(body, /06:30 Europe\/Berlin/);
  assert.match(body, /0[45]:30 UTC/);
  const bad = await html(ctx.d.get(`/hangfire/recurring/preview?cron=${encodeURIComponent("<b>nope</b>")}&timeZone=UTC`));
  assert.ok(bad.includes('data-testid="cron-error"'));
  assert.not.ok(bad.includes("<b>nope"), "the error quotes the input as text");
});

test("retries lists jobs waiting for another attempt, with the attempt number and when", async (ctx) => {
  const { jobId } = await ctx.d.h.rt.enqueue("default-retry-fails", { retry: "me" });
  const waiting = await jobReaches(ctx.d.h.rt, jobId, ["Scheduled"]);
  assert.is(waiting.attempt, 1);
  const page = await html(ctx.d.get("/hangfire/retries"));
  assert.ok(page.includes(`job-row-${jobId}`), "listed");
  assert.ok(page.includes("1 of 11"), "attempt number of all attempts");
  assert.ok(page.includes("fails with the default policy"), "the error that sent it back");
  const details = await html(ctx.d.get(`/hangfire/jobs/details/${jobId}`));
  assert.ok(details.includes('data-testid="next-retry"'), "the job page says when it retries");
  await ctx.d.post(`/hangfire/jobs/actions/delete/${jobId}`, {});
});

test("the overview shows counts by state, the realtime graph and the history graphs", async (ctx) => {
  const { jobId } = await ctx.d.h.rt.enqueue("noop", { overview: true });
  await jobReaches(ctx.d.h.rt, jobId, ["Succeeded"]);
  const counts = await ctx.d.h.rt.countByState();
  const page = await html(ctx.d.get("/hangfire"));
  const tile = /data-testid="tile-scheduled">[\s\S]*?<span class="tile-value">([^<]+)</.exec(page)?.[1];
  assert.is(tile, counts.Scheduled.toLocaleString("en-US"));
  assert.is((page.match(/<svg class="plot"/g) ?? []).length, 3, "realtime, 24 hours, 7 days");
  assert.ok(page.includes("Last 24 hours") && page.includes("Last 7 days"));
  assert.is((page.match(/<g class="bar">/g) ?? []).length, 31, "24 hourly and 7 daily bars");
});

test("the servers page shows this server's workers and actors", async (ctx) => {
  const page = await html(ctx.d.get("/hangfire/servers"));
  assert.ok(page.includes(ctx.d.h.rt.serverId));
  assert.ok(page.includes("this process"));
  assert.is((page.match(/class="worker /g) ?? []).length, 2, "two job workers");
  for (const a of ctx.d.h.rt.actors()) assert.ok(page.includes(`<code>${a.id}</code>`), a.id);
});

test("the event stream starts with a tick and names a job that finished", async (ctx) => {
  const res = await ctx.d.get("/hangfire/events");
  assert.is(res.headers.get("content-type"), "text/event-stream");
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const read = async (until: (t: string) => boolean) => {
    const deadline = Date.now() + 10_000;
    while (!until(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
  };
  await read((t) => t.includes("event: tick"));
  assert.ok(text.includes("event: hello") && text.includes("retry: 2000"));
  const { jobId } = await ctx.d.h.rt.enqueue("noop", null);
  await read((t) => new RegExp(`event: jobs\\ndata: \\{"ids":\\[[^\\]]*"${jobId}"`).test(t));
  assert.match(text, new RegExp(`"${jobId}"`));
  await reader.cancel();
});

test("assets come from this server with a content hash and long caching; unknown ones are 404", async (ctx) => {
  const page = await html(ctx.d.get("/hangfire"));
  const src = /src="(\/hangfire\/assets\/htmx\.min\.js\?v=[0-9a-f]+)"/.exec(page)![1];
  const js = await ctx.d.get(src);
  assert.is(js.status, 200);
  assert.match(js.headers.get("cache-control") ?? "", /immutable/);
  assert.ok((await js.text()).includes("htmx"));
  const gz = await ctx.d.get(src, { "accept-encoding": "gzip" });
  assert.is(gz.headers.get("content-encoding"), "gzip");
  assert.is((await ctx.d.get("/hangfire/assets/../../package.json")).status, 404);
  assert.is((await ctx.d.get("/hangfire/assets/nope.js")).status, 404);
});

test("the dashboard refuses requests from another machine", async (ctx) => {
  ctx.d.from("10.1.2.3");
  try {
    assert.is((await ctx.d.get("/hangfire")).status, 403);
    assert.is((await ctx.d.get("/hangfire/events")).status, 403);
    assert.is((await ctx.d.post("/hangfire/recurring/trigger/nightly-echo", {})).status, 403);
  } finally {
    ctx.d.from("127.0.0.1");
  }
});

test("unknown states and jobs get a page that says so", async (ctx) => {
  assert.is((await ctx.d.get("/hangfire/jobs/bogus")).status, 404);
  const job = await ctx.d.get("/hangfire/jobs/details/123456789");
  assert.is(job.status, 404);
  assert.ok((await job.text()).includes("Job #123456789 was not found"));
  const row = await ctx.d.get("/hangfire/jobs/details/123456789?row=processing", hx("job-row-123456789"));
  assert.is(await row.text(), "", "a live row of a job that expired is removed");
  assert.is((await ctx.d.get("/hangfire/recurring/edit/nope")).status, 404);
});

test("a text search scans windows of ids, says which, and continues below them until it finds its match", async (ctx) => {
  const [needle] = await parked(ctx, [{ type: "echo", args: { needle: "haystack-needle-1" } }]);
  for (let i = 0; i < 4; i++) await parked(ctx, Array.from({ length: 20_000 }, () => ({ type: "noop", args: null })));
  let url: string | null = "/hangfire/jobs/all?q=haystack-needle";
  let found: string[] = [];
  let lastFrom = Infinity;
  for (let pages = 0; url && !found.length; pages++) {
    assert.ok(pages < 10, "found within a few pages");
    const page = await html(ctx.d.get(url));
    const m = /matching jobs? among jobs #([\d,]+)–#([\d,]+)/.exec(page);
    assert.ok(m, "each page says which ids it looked at");
    const [from, to] = [Number(m![1].replaceAll(",", "")), Number(m![2].replaceAll(",", ""))];
    assert.ok(to < lastFrom && from <= to, "pages go down without overlap");
    lastFrom = from;
    found = rowIds(page);
    url = olderLink(page);
    if (!found.length) assert.ok(page.includes("Search older jobs (before #"), "an empty window offers to go on");
  }
  assert.equal(found, [needle]);
  const byId = await html(ctx.d.get(`/hangfire/jobs/all?q=${needle}`));
  assert.ok(rowIds(byId).includes(needle), "an id finds its job whatever the window");
});

test.run();
