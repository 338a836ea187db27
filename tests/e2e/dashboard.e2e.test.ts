// The dashboard in real headless Chromium against a real listening server and a real runtime:
// what an operator does, watched the way they watch it (no reloads), with a screenshot of every
// page in test-artifacts/screenshots/. Console errors (CSP violations included) fail the run.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Page } from "playwright-core";
import { jobReaches } from "../views/dashboard-harness.ts";
import { type Chrome, launchChrome, type LiveDashboard, serveDashboard } from "./browser.ts";

interface Ctx {
  d: LiveDashboard;
  c: Chrome;
  page: Page;
}

const test = suite<Ctx>("dashboard in Chromium");
const WAIT = { timeout: 20_000 };

test.before(async (ctx) => {
  ctx.d = await serveDashboard();
  ctx.c = await launchChrome();
  ctx.page = ctx.c.page;
});

test.after(async (ctx) => {
  await ctx.c?.close();
  await ctx.d?.close();
});

async function open(ctx: Ctx, path: string, page = ctx.page) {
  await page.goto(ctx.d.base + path);
  await page.waitForSelector("#live.on", WAIT); // htmx and the event stream are up
}

/** Marks the document; `stillSameDocument` is true only if nothing reloaded it since. */
async function mark(page: Page) {
  await page.evaluate(() => ((window as unknown as { __mark: number }).__mark = 42));
}
async function stillSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { __mark?: number }).__mark === 42);
}

test("the overview opens, goes live and counts finished jobs without reloading", async (ctx) => {
  const { page } = ctx;
  await open(ctx, "/hangfire");
  await mark(page);
  const before = Number((await page.textContent('[data-testid="tile-succeeded"] .tile-value'))!.replace(/\D/g, ""));
  for (let i = 0; i < 5; i++) await ctx.d.h.rt.enqueue("noop", { overview: i });
  await page.waitForFunction(
    (n) => Number(document.querySelector('[data-testid="tile-succeeded"] .tile-value')!.textContent!.replace(/\D/g, "")) >= n + 5,
    before,
    WAIT,
  );
  assert.ok(await stillSameDocument(page), "updated in place");
  assert.is(await page.locator("svg.plot").count(), 3);
  await ctx.c.shot("overview");
});

test("trigger a recurring job and watch it reach Succeeded without reloading", async (ctx) => {
  const { page } = ctx;
  await open(ctx, "/hangfire/recurring");
  await mark(page);
  const row = page.locator("#rec-slow-progress");
  await row.locator('[data-testid="trigger-slow-progress"]').click();
  await row.locator(".badge.st-enqueued, .badge.st-processing").first().waitFor(WAIT);
  await row.locator(".badge.st-succeeded").waitFor(WAIT);
  assert.ok(await stillSameDocument(page), "the row followed its job in place");
  const jobLink = await row.locator('a[href^="/hangfire/jobs/details/"]').getAttribute("href");
  const id = jobLink!.split("/").pop()!;
  assert.is((await ctx.d.h.rt.getJob(id))!.state, "Succeeded");
  await ctx.c.shot("recurring");
});

test("disable and enable a recurring job", async (ctx) => {
  const { page } = ctx;
  await open(ctx, "/hangfire/recurring");
  const row = page.locator("#rec-nightly-echo");
  await row.locator('[data-testid="disable-nightly-echo"]').click();
  await row.locator('[data-testid="disabled-badge"]').waitFor(WAIT);
  assert.is((await ctx.d.h.rt.getRecurring("nightly-echo")).enabled, false);
  await ctx.c.shot("recurring-disabled");
  await row.locator('[data-testid="enable-nightly-echo"]').click();
  await row.locator('[data-testid="disable-nightly-echo"]').waitFor(WAIT);
  assert.is(await row.locator('[data-testid="disabled-badge"]').count(), 0);
  const r = await ctx.d.h.rt.getRecurring("nightly-echo");
  assert.ok(r.enabled && r.nextExecution !== null);
});

test("open a failed job, read its exception, requeue it", async (ctx) => {
  const { page } = ctx;
  const hostile = `<img src=x onerror="window.__pwned=1">`;
  const { jobId } = await ctx.d.h.rt.enqueue("always-fails", { sku: "SKU-42", note: hostile });
  await jobReaches(ctx.d.h.rt, jobId, ["Failed"]);
  await open(ctx, "/hangfire/jobs/failed");
  await ctx.c.shot("jobs-failed");
  await page.click(`#job-row-${jobId} td.id a`);
  await page.waitForSelector('[data-testid="exception"]', WAIT);
  assert.is(await page.textContent('[data-testid="exception-type"]'), "RangeError");
  assert.is(await page.textContent('[data-testid="exception-message"]'), "this job always fails");
  assert.ok((await page.textContent('[data-testid="args"]'))!.includes("<img src=x onerror="), "the arguments are shown as text");
  assert.is(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined, "and never run");
  assert.is(await page.textContent('[data-testid="attempts"] dd'), "3 of 3");
  assert.match(page.url(), new RegExp(`/hangfire/jobs/details/${jobId}$`), "boosted links push the URL");
  await ctx.c.shot("job-failed");
  await page.click('[data-testid="requeue"]');
  await page.waitForSelector(`.notice-ok:has-text("Job #${jobId} requeued.")`, WAIT);
  await page.waitForSelector('[data-testid="timeline"] :text("Requeued from the dashboard")', WAIT);
  const job = await ctx.d.h.rt.getJob(jobId);
  assert.ok(job!.history.some((h) => h.reason === "Requeued from the dashboard"));
});

test("search for a job by text", async (ctx) => {
  const { page } = ctx;
  const { jobId } = await ctx.d.h.rt.enqueue("echo", { customer: "Quokka Shipping 7731" });
  await ctx.d.h.rt.enqueue("echo", { customer: "Wombat Freight" });
  await jobReaches(ctx.d.h.rt, jobId, ["Succeeded"]);
  await open(ctx, "/hangfire/jobs/succeeded");
  await mark(page);
  await page.fill('input[name="q"]', "quokka shipping");
  await page.waitForFunction(() => document.querySelectorAll("#job-table tbody tr").length === 1, undefined, WAIT);
  assert.ok(await page.locator(`#job-row-${jobId}`).isVisible());
  assert.match(page.url(), /q=quokka(\+|%20)shipping/, "the search is in the URL, so it can be shared");
  assert.ok(await stillSameDocument(page));
  await ctx.c.shot("jobs-search");
  await page.fill('input[name="q"]', String(jobId));
  await page.waitForFunction((id) => !!document.querySelector(`#job-row-${id}`) && document.querySelectorAll("#job-table tbody tr").length >= 1, jobId, WAIT);
});

test("a running job's progress bar moves on the Processing page and its page shows it live to the end", async (ctx) => {
  const { page } = ctx;
  const { jobId } = await ctx.d.h.rt.enqueue("long-with-progress", { ms: 5000, marker: "live" });
  await jobReaches(ctx.d.h.rt, jobId, ["Processing"]);
  await open(ctx, "/hangfire/jobs/processing");
  await mark(page);
  const value = () => page.evaluate((id) => Number(document.querySelector<HTMLProgressElement>(`#job-row-${id} progress`)?.value ?? -1), jobId);
  await page.waitForFunction((id) => Number(document.querySelector<HTMLProgressElement>(`#job-row-${id} progress`)?.value ?? 0) >= 20, jobId, WAIT);
  const first = await value();
  await ctx.c.shot("jobs-processing");
  await page.waitForFunction(([id, v]) => Number(document.querySelector<HTMLProgressElement>(`#job-row-${id} progress`)?.value ?? 0) > v, [jobId, first] as const, WAIT);
  assert.ok(await stillSameDocument(page), "the bar moved without a reload");
  await page.click(`#job-row-${jobId} td.id a`);
  await page.waitForURL(new RegExp(`/hangfire/jobs/details/${jobId}$`), WAIT);
  await page.waitForSelector('[data-testid="logs"]', WAIT);
  await ctx.c.shot("job-running");
  await mark(page);
  await page.waitForSelector("#job-view.state-succeeded", WAIT);
  assert.ok(await stillSameDocument(page));
  assert.is(await page.locator('[data-testid="logs"] .log').count(), 10, "every log line arrived");
  await ctx.c.shot("job-succeeded");
});

test("edit a schedule with a live preview of the next runs", async (ctx) => {
  const { page } = ctx;
  await open(ctx, "/hangfire/recurring");
  await page.click('[data-testid="edit-berlin-report"]');
  await page.waitForSelector('[data-testid="cron-input"]', WAIT);
  await page.fill('[data-testid="cron-input"]', "0 9 * * 6");
  await page.waitForSelector('[data-testid="cron-words"]:has-text("Saturday")', WAIT);
  await page.fill('[data-testid="cron-input"]', "0 25 * * *");
  await page.waitForSelector('[data-testid="cron-error"]', WAIT);
  await ctx.c.shot("recurring-edit-error");
  await page.fill('[data-testid="cron-input"]', "0 9 * * 6");
  await page.waitForSelector('[data-testid="next-runs"] li', WAIT);
  await ctx.c.shot("recurring-edit");
  await page.click('[data-testid="save"]');
  await page.waitForSelector('.notice-ok:has-text("Saved the schedule of berlin-report")', WAIT);
  assert.is((await ctx.d.h.rt.getRecurring("berlin-report")).cron, "0 9 * * 6");
  await ctx.d.h.rt.updateRecurring("berlin-report", { cron: "30 6 * * 1-5" });
});

test("batch requeue of selected failed jobs", async (ctx) => {
  const { page } = ctx;
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const { jobId } = await ctx.d.h.rt.enqueue("always-fails", { batch: i });
    ids.push(jobId);
  }
  for (const id of ids) await jobReaches(ctx.d.h.rt, id, ["Failed"]);
  await open(ctx, "/hangfire/jobs/failed");
  for (const id of ids) await page.check(`#job-row-${id} input[type=checkbox]`);
  await page.click('button[name="action"][value="requeue"]');
  await page.waitForSelector('.notice-ok:has-text("2 jobs requeued.")', WAIT);
});

test("the pages work without JavaScript: links, Trigger now and batch actions are plain HTML", async (ctx) => {
  const plain = await launchChrome({ width: 1200, height: 900 }, { javaScriptEnabled: false });
  try {
    const p = plain.page;
    await p.goto(ctx.d.base + "/hangfire/recurring");
    await Promise.all([p.waitForNavigation(WAIT), p.click('[data-testid="trigger-nightly-echo"]')]);
    assert.match(p.url(), /\/hangfire\/recurring\?done=trigger/, `${p.url()}: ${(await p.content()).slice(0, 300)}`);
    assert.ok(await p.locator('.notice-ok:has-text("Triggered nightly-echo")').isVisible());
    await p.click('a[href="/hangfire/jobs/enqueued"]');
    await p.waitForURL(/\/hangfire\/jobs\/enqueued$/, WAIT);
    await p.goto(ctx.d.base + "/hangfire/jobs/succeeded?q=quokka");
    assert.is(await p.locator("#job-table tbody tr").count(), 1);
    await plain.shot("no-js-search", p);
    assert.equal(plain.problems, []);
  } finally {
    await plain.close();
  }
});

test("screenshots of every page, on a laptop and on a phone in dark mode, with no console errors", async (ctx) => {
  const { page } = ctx;
  await ctx.d.h.rt.enqueue("noop", null, { delayMs: 3_600_000 });
  const { jobId } = await ctx.d.h.rt.enqueue("default-retry-fails", { retry: true });
  await jobReaches(ctx.d.h.rt, jobId, ["Scheduled"]);
  const pages: [string, string][] = [
    ["jobs-enqueued", "/hangfire/jobs/enqueued"],
    ["jobs-scheduled", "/hangfire/jobs/scheduled"],
    ["jobs-succeeded", "/hangfire/jobs/succeeded"],
    ["jobs-deleted", "/hangfire/jobs/deleted"],
    ["jobs-all", "/hangfire/jobs/all"],
    ["retries", "/hangfire/retries"],
    ["servers", "/hangfire/servers"],
  ];
  for (const [name, path] of pages) {
    await open(ctx, path);
    await ctx.c.shot(name);
  }
  const phone = await ctx.c.context.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.emulateMedia({ colorScheme: "dark" });
  const failed = (await ctx.d.h.rt.listJobs({ state: "Failed", limit: 1 }))[0];
  for (const [name, path] of [
    ["phone-overview", "/hangfire"],
    ["phone-jobs-failed", "/hangfire/jobs/failed"],
    ["phone-job", `/hangfire/jobs/details/${failed.id}`],
    ["phone-recurring", "/hangfire/recurring"],
    ["phone-servers", "/hangfire/servers"],
  ]) {
    await open(ctx, path, phone);
    await ctx.c.shot(name, phone);
  }
  await phone.close();
  assert.equal(ctx.c.problems, [], "no console errors or CSP violations");
});

test.run();
