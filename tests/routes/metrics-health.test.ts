// /metrics in Prometheus text format, fed by the runtime's events; /health with its three verdicts
// and the liveness and readiness probes.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { Clock } from "../../src/actors/runtime/clock.ts";
import { finished, json, startApp, type TestApp } from "./app-harness.ts";

// Real time, except that health-check deadlines (2 s) pass in 20 ms.
const quickDeadlines: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (fn) => setTimeout(fn, 20),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

const test = suite<{ t: TestApp }>("metrics and health");
test.before(async (ctx) => {
  ctx.t = await startApp({ clock: quickDeadlines });
});
test.after(async (ctx) => ctx.t.close());

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A strict reader of the text exposition format: throws on any line it does not understand. */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  assert.ok(text.endsWith("\n"), "ends with a newline");
  const types = new Map<string, string>();
  const helps = new Set<string>();
  const samples: Sample[] = [];
  const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  for (const line of text.slice(0, -1).split("\n")) {
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line))) helps.add(m[1]);
    else if ((m = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line))) {
      assert.not.ok(types.has(m[1]), `${m[1]} is declared once`);
      types.set(m[1], m[2]);
    } else if ((m = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`).exec(line))) {
      const labels: Record<string, string> = {};
      if (m[2]) {
        const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
        let pos = 0;
        while (pos < m[2].length) {
          re.lastIndex = pos;
          const l = re.exec(m[2]);
          if (!l) throw new Error(`bad labels in: ${line}`);
          labels[l[1]] = l[2].replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
          pos = re.lastIndex;
        }
      }
      const value = m[3] === "+Inf" ? Infinity : m[3] === "-Inf" ? -Infinity : Number(m[3]);
      if (Number.isNaN(value) && m[3] !== "NaN") throw new Error(`bad value in: ${line}`);
      const family = [...types.keys()].find((f) => m![1] === f || (types.get(f) === "histogram" && [`${f}_bucket`, `${f}_sum`, `${f}_count`].includes(m![1])));
      if (!family) throw new Error(`sample before its # TYPE: ${line}`);
      assert.ok(helps.has(family), `${family} has a HELP line`);
      samples.push({ name: m[1], labels, value });
    } else throw new Error(`not exposition format: ${JSON.stringify(line)}`);
  }
  return { types, samples };
}

const scrape = async (t: TestApp) => {
  const res = await t.app.request("/metrics");
  assert.is(res.status, 200);
  assert.match(res.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await res.text());
};

const value = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

test("metrics parse as Prometheus text and count jobs by state from the ledger", async ({ t }) => {
  await t.h.rt.enqueue("cleanup", null, { delayMs: 3_600_000 });
  const { types, samples } = await scrape(t);
  assert.is(types.get("catalog_jobs_jobs"), "gauge");
  const counts = await t.h.rt.countByState();
  for (const [state, n] of Object.entries(counts)) assert.is(value(samples, "catalog_jobs_jobs", { state }), n, state);
  assert.ok(value(samples, "catalog_jobs_jobs", { state: "Scheduled" })! >= 1);
  assert.is(value(samples, "catalog_jobs_queue_depth"), counts.Enqueued);
});

test("executions are counted by type and outcome, with durations as a histogram, and retries", async ({ t }) => {
  const okId = (await t.h.rt.enqueue("daily-analytics")).jobId;
  await finished(t, (e) => e.jobId === okId);
  const badId = (await t.h.rt.enqueue("fails-once-per-call")).jobId;
  await finished(t, (e) => e.jobId === badId);
  const { types, samples } = await scrape(t);
  assert.is(value(samples, "catalog_jobs_jobs_processed_total", { type: "daily-analytics", outcome: "succeeded" }), 1);
  assert.is(value(samples, "catalog_jobs_jobs_processed_total", { type: "fails-once-per-call", outcome: "failed" }), 1);
  assert.is(types.get("catalog_jobs_job_duration_seconds"), "histogram");
  const buckets = samples.filter((s) => s.name === "catalog_jobs_job_duration_seconds_bucket" && s.labels.type === "daily-analytics");
  assert.ok(buckets.length > 5);
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i].value >= buckets[i - 1].value, "buckets are cumulative");
  assert.is(buckets.at(-1)!.labels.le, "+Inf");
  assert.is(buckets.at(-1)!.value, value(samples, "catalog_jobs_job_duration_seconds_count", { type: "daily-analytics" }));
  assert.is(types.get("catalog_jobs_job_retries_total"), "counter");
});

test("cron lateness is measured from a real recurring firing", async ({ t }) => {
  const fired = t.h.rt.events.waitFor("recurring:fired", (e) => e.recurringId === "popular-products", 10_000);
  const res = await t.app.request("/api/backgroundjobs/recurring-jobs/popular-products", {
    method: "PATCH",
    body: JSON.stringify({ cron: "* * * * * *" }),
    headers: { "content-type": "application/json" },
  });
  assert.is(res.status, 200);
  const ev = await fired;
  await t.app.request("/api/backgroundjobs/recurring-jobs/popular-products/disable", { method: "POST" });
  const { samples } = await scrape(t);
  const count = value(samples, "catalog_jobs_cron_lateness_seconds_count", { recurring_id: "popular-products" })!;
  assert.ok(count >= 1);
  const last = value(samples, "catalog_jobs_cron_last_lateness_seconds", { recurring_id: "popular-products" })!;
  assert.ok(last >= 0 && last < 5, `lateness ${last} s`);
  assert.ok(ev.latenessMs >= 0);
  assert.is(value(samples, "catalog_jobs_recurring_job_enabled", { recurring_id: "popular-products" }), 0);
});

test("actor restarts are reported per actor, and a crashed worker thread counts", async ({ t }) => {
  const before = await scrape(t);
  const actors = t.h.rt.actors();
  assert.ok(actors.length >= 1);
  for (const a of actors) assert.is(value(before.samples, "catalog_jobs_actor_restarts_total", { actor: a.id }), a.restarts);
  const restarted = t.h.rt.events.waitFor("actor:state", (e) => e.restarts >= 1, 15_000);
  await t.h.rt.enqueue("exits-thread");
  const ev = await restarted;
  await t.h.rt.events.waitFor("actor:state", (e) => e.actorId === ev.actorId && e.state === "running", 15_000);
  const after = await scrape(t);
  assert.ok(value(after.samples, "catalog_jobs_actor_restarts_total", { actor: ev.actorId })! >= 1);
});

test("the collector subscribes once per runtime, however many apps are built over it", async ({ t }) => {
  const { createApp } = await import("../../src/app.ts");
  createApp(t.deps);
  createApp(t.deps);
  // Three apps over one runtime: one succeeded job is counted once.
  const before = value((await scrape(t)).samples, "catalog_jobs_jobs_processed_total", { type: "cleanup", outcome: "succeeded" }) ?? 0;
  const id = (await t.h.rt.enqueue("cleanup")).jobId;
  await finished(t, (e) => e.jobId === id);
  assert.is(value((await scrape(t)).samples, "catalog_jobs_jobs_processed_total", { type: "cleanup", outcome: "succeeded" }), before + 1);
});

// ---- health --------------------------------------------------------------------------------------

test("health is Healthy with every dependency and actor, each with status, duration and error", async ({ t }) => {
  const res = await t.app.request("/health");
  assert.is(res.status, 200);
  const body = await json(res);
  assert.is(body.status, "Healthy");
  assert.equal(body.dependencies.map((d: any) => d.name), ["ledger", "catalog", "cache", "search", "bus"]);
  for (const d of body.dependencies) {
    assert.is(d.status, "Healthy");
    assert.is(typeof d.durationMs, "number");
    assert.is(d.error, null);
  }
  assert.equal(body.actors.map((a: any) => a.name), t.h.rt.actors().map((a) => a.id));
  for (const a of body.actors) assert.equal(Object.keys(a).slice(0, 7), ["name", "kind", "status", "state", "restarts", "upForMs", "error"]);
  assert.is(typeof body.queue.enqueued, "number");
  assert.is(body.serverId, t.h.rt.serverId);
});

test("a cache that fails makes health Degraded, still 200, with the error named", async ({ t }) => {
  t.pings.cache = () => Promise.reject(new Error("ECONNREFUSED 127.0.0.1:6379"));
  try {
    const res = await t.app.request("/health");
    assert.is(res.status, 200);
    const body = await json(res);
    assert.is(body.status, "Degraded");
    const cache = body.dependencies.find((d: any) => d.name === "cache");
    assert.equal([cache.status, cache.error], ["Unhealthy", "ECONNREFUSED 127.0.0.1:6379"]);
  } finally {
    t.pings.cache = async () => {};
  }
});

test("a search index that never answers is cut off at the deadline and reported", async ({ t }) => {
  t.pings.search = () => new Promise(() => {});
  try {
    const body = await json(await t.app.request("/health"));
    const search = body.dependencies.find((d: any) => d.name === "search");
    assert.is(search.status, "Unhealthy");
    assert.match(search.error, /no answer within 2000 ms/);
    assert.is(body.status, "Degraded");
  } finally {
    t.pings.search = async () => {};
  }
});

test("a ledger that fails makes health Unhealthy with 503, readiness 503, liveness still 200, and it is logged", async ({ t }) => {
  const ledger = t.h.ledger as unknown as { ping: () => Promise<void> };
  const ping = ledger.ping;
  ledger.ping = () => Promise.reject(new Error("SQLITE_IOERR: disk I/O error"));
  try {
    const res = await t.app.request("/health");
    assert.is(res.status, 503);
    const body = await json(res);
    assert.is(body.status, "Unhealthy");
    assert.is(body.dependencies[0].error, "SQLITE_IOERR: disk I/O error");
    assert.ok(t.logs.records.some((r) => r.level === "warn" && /503 Unhealthy: ledger: SQLITE_IOERR/.test(r.message)));
    const ready = await t.app.request("/health/ready");
    assert.is(ready.status, 503);
    assert.is((await json(ready)).status, "Unhealthy");
    assert.is((await t.app.request("/health/live")).status, 200);
  } finally {
    ledger.ping = ping;
  }
});

test("readiness and liveness are 200 when all is well", async ({ t }) => {
  const ready = await json(await t.app.request("/health/ready"));
  assert.is(ready.status, "Healthy");
  assert.equal(ready.checks.map((c: any) => c.name), ["ledger", "job-workers"]);
  assert.equal(await json(await t.app.request("/health/live")), { status: "Healthy", checks: [] });
});

test.run();
