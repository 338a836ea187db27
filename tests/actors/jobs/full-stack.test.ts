// The whole product on its embedded defaults, as composeServer builds it for `npm start`: real
// runtime, job workers and the three background services in worker threads, jobs writing through
// the rpc cache into the main thread's cache, product events crossing threads to the search sync.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { systemClock } from "../../../src/actors/runtime/clock.ts";
import type { ServiceActor } from "../../../src/actors/runtime/service-actor.ts";
import type { ServiceStatus } from "../../../src/actors/runtime/service-definition.ts";
import type { DailyAnalytics } from "../../../src/actors/work/analytics.ts";
import { composeServer } from "../../../src/compose.ts";
import { createLogger, memorySink } from "../../../src/logger.ts";
import { testConfig } from "../../helpers/catalog-backends.ts";
import { captureOutput } from "../../helpers/output-capture.ts";
import { tempDir } from "../../helpers/runtime-harness.ts";

const LOCAL = { incoming: { socket: { remoteAddress: "127.0.0.1", localAddress: "127.0.0.1" } } };

function statusWhere(a: ServiceActor, pred: (s: ServiceStatus) => boolean): Promise<ServiceStatus> {
  const now = a.status();
  if (now && pred(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const off = a.onStatus((s) => pred(s) && (off(), resolve(s)));
  });
}

/** For effects in another thread that announce themselves nowhere: re-check after each turn. */
async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test("composeServer runs the jobs, the three services and the catalog API end to end", async () => {
  const dir = tempDir("cj-stack-");
  const out = captureOutput();
  const sink = memorySink();
  const logger = createLogger({ category: "CatalogJobs", sink, level: "info" });
  const config = testConfig({ DATA_DIR: dir.path, SEED_ON_START: "true", WORKER_COUNT: "2" });
  const server = await composeServer(config, { clock: systemClock, logger });
  try {
    assert.ok(sink.lines().some((l) => l.startsWith("Hangfire Server started")));
    assert.equal((await server.runtime.listRecurring()).map((r) => r.id).sort(), ["cache-warmup", "cleanup", "daily-analytics", "popular-products", "weekly-inventory-report"]);

    // The services start with the application and log the lines operators grep for.
    for (const line of [
      "Elasticsearch Sync Service is starting",
      "Successfully synced 150 products to Elasticsearch",
      "Next Elasticsearch sync scheduled in 30 minutes",
      "Cache Warming Service is starting",
      "Inventory Monitoring Service is starting",
    ]) {
      await out.waitFor(line);
    }
    for (const s of server.services) await statusWhere(s, (st) => st.runs >= 1 && !st.running && st.lastError === null);
    assert.equal(server.services.map((s) => s.title), ["Elasticsearch Sync Service", "Cache Warming Service", "Inventory Monitoring Service"]);
    const warming = server.services.find((s) => s.name === "cache-warming")!.status()!;
    assert.ok(warming.nextRunAt! - warming.lastRunAt! >= 6 * 3_600_000 - 60_000, "the next warming is about 6 h away");
    assert.is(await server.adapters.search.count(), 150);
    assert.ok(await server.adapters.cache.get("categories:all"), "the warming service wrote through the rpc cache");

    // A job enqueued through the runtime writes its key into the main thread's cache.
    const { jobId } = await server.runtime.enqueue("daily-analytics", null, { reason: "test" });
    await server.runtime.events.waitFor("job:succeeded", (e) => e.jobId === jobId);
    const latest = await server.adapters.cache.get<DailyAnalytics>("analytics:daily:latest");
    assert.is(latest?.totalProducts, 150);
    await out.waitFor("Daily analytics generated successfully. Total Products: 150, In Stock: ");

    // cleanup reaches the runtime's purge over rpc.
    const cleanup = await server.runtime.enqueue("cleanup", null);
    await server.runtime.events.waitFor("job:succeeded", (e) => e.jobId === cleanup.jobId);
    await server.runtime.settle();
    assert.is(((await server.runtime.getJob(cleanup.jobId))!.result as { jobsPurged: number }).jobsPurged, 0);

    // A product created through the API reaches search through its event, without waiting for a sync.
    const res = await server.app.request(
      "/api/products",
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sku: "ZZ-NEW-1", name: "Zephyrine Teapot", categoryId: 1, price: 24.5, stockQuantity: 7 }) },
      LOCAL,
    );
    assert.is(res.status, 201);
    const found = await eventually(async () => {
      const r = await server.app.request("/api/products/search?q=zephyrine", {}, LOCAL);
      const body = (await r.json()) as { total: number; items: { sku: string; price: number }[] };
      return body.total === 1 ? body : null;
    });
    assert.equal(found.items.map((i) => [i.sku, i.price]), [["ZZ-NEW-1", 24.5]]);

    const health = (await (await server.app.request("/health", {}, LOCAL)).json()) as { actors: { name: string; state: string }[] };
    for (const name of ["elasticsearch-sync", "cache-warming", "inventory-monitoring"]) {
      assert.is(health.actors.find((a) => a.name === name)?.state, "running", `${name} is running`);
    }
  } finally {
    await server.close(2_000);
    out.restore();
    dir.remove();
  }
});

test.run();
