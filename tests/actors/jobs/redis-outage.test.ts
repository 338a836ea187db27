// A private redis-server goes away under the running product: the next daily-analytics job fails
// with a clear error, is retried, and succeeds once Redis is back, with its full snapshot written.
// Real runtime, real worker threads (each with its own Redis connection), real ledger.
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { systemClock } from "../../../src/actors/runtime/clock.ts";
import { WORKER_SERVICES_MODULE } from "../../../src/actors/runtime/entry-points.ts";
import type { DailyAnalytics } from "../../../src/actors/work/analytics.ts";
import { openSqliteCatalogStore } from "../../../src/adapters/catalog/sqlite-catalog-store.ts";
import { privateRedisServer } from "../../adapters/cache/private-redis-server.ts";
import { testConfig } from "../../helpers/catalog-backends.ts";
import { startRuntime, tempDir } from "../../helpers/runtime-harness.ts";
import { insertSample } from "../../helpers/sample-catalog.ts";

const FAST_RETRY_JOBS = pathToFileURL(join(import.meta.dirname, "../../fixtures/fast-retry-catalog-jobs.ts")).href;

test("a job that meets Redis down fails with a clear error, is retried, and succeeds once Redis is back", async () => {
  const redisServer = await privateRedisServer();
  await redisServer.start();
  const dir = tempDir("cj-outage-");
  const prefix = `outage:${randomUUID()}:`;
  const config = { ...testConfig({ DATA_DIR: dir.path, REDIS_URL: redisServer.url }), cachePrefix: prefix };
  const catalog = await openSqliteCatalogStore(join(dir.path, "catalog.db"), { now: () => systemClock.now() });
  await catalog.migrate();
  await insertSample(catalog);
  const expectedInStock = (await catalog.totals()).inStock;
  const h = await startRuntime({ dir: dir.path, jobModules: [FAST_RETRY_JOBS], servicesModule: WORKER_SERVICES_MODULE(), workerConfig: config, workerCount: 1 });
  const redis = () => new Redis(redisServer.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    // Before the outage: the worker thread's connection is up and the job writes its key.
    const first = await h.rt.enqueue("daily-analytics", null, { scheduledFor: Date.parse("2025-12-15T02:00:00Z") });
    await h.rt.events.waitFor("job:succeeded", (e) => e.jobId === first.jobId);
    const r1 = redis();
    assert.ok(await r1.get(`${prefix}analytics:daily:latest`), "written before the outage");
    r1.disconnect();

    await redisServer.stop();
    const failed = h.rt.events.waitFor("job:failed", (e) => e.type === "daily-analytics");
    const second = await h.rt.enqueue("daily-analytics", null, { scheduledFor: Date.parse("2025-12-16T02:00:00Z") });
    const f = await failed;
    assert.is(f.jobId, second.jobId);
    assert.is(f.error.type, "DependencyUnavailableError");
    assert.match(f.error.message, `127.0.0.1:${redisServer.port}`);
    assert.ok(f.retryAt !== null, "the failure is retried");
    await h.rt.settle();
    const during = (await h.rt.getJob(second.jobId))!;
    assert.ok(during.logs.some((l) => l.level === "error" && l.message.startsWith("Failed to generate daily analytics: DependencyUnavailableError")), "the job's log says why");

    const succeeded = h.rt.events.waitFor("job:succeeded", (e) => e.jobId === second.jobId, 30_000);
    await redisServer.start(); // empty: it keeps nothing on disk
    await succeeded;
    await h.rt.settle();
    const job = (await h.rt.getJob(second.jobId))!;
    assert.is(job.state, "Succeeded");
    assert.ok(job.attempt >= 2, `succeeded on a retry (attempt ${job.attempt})`);
    assert.ok(job.history.some((s) => s.state === "Failed" || /retry/i.test(s.reason ?? "")), "the history shows the failed attempt");

    const r2 = redis();
    const latest = JSON.parse((await r2.get(`${prefix}analytics:daily:latest`))!) as DailyAnalytics;
    const dated = JSON.parse((await r2.get(`${prefix}analytics:daily:2025-12-16`))!) as DailyAnalytics;
    r2.disconnect();
    assert.is(latest.date, "2025-12-16");
    assert.equal(dated, latest);
    assert.is(latest.totalProducts, 150);
    assert.is(latest.inStock, expectedInStock);
  } finally {
    await h.close();
    await catalog.close();
    await redisServer.dispose();
    dir.remove();
  }
});

test.run();
