// daily-analytics on both backends: the snapshot read back from the real cache keys, the log line
// users grep for, idempotency, and the failure path (logged, rethrown for a retry).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { dailyAnalyticsJob } from "../../../src/actors/jobs/daily-analytics.ts";
import type { DailyAnalytics } from "../../../src/actors/work/analytics.ts";
import { insertSample } from "../../helpers/sample-catalog.ts";
import { type Backend, BACKENDS, jobContext, KNOWN_TOTAL_VALUE_CENTS, knownCatalog, messages } from "../../helpers/catalog-backends.ts";

for (const { name, open } of BACKENDS) {
  const test = suite<{ b: Backend }>(`daily-analytics on the ${name} backend`);
  test.before(async (ctx) => {
    ctx.b = await open();
  });
  test.before.each(async ({ b }) => b.reset());
  test.after(async ({ b }) => b.close());

  test("the snapshot is cached as the latest and under its date, and the success line says the totals", async ({ b }) => {
    await knownCatalog(b.services.catalog);
    const { ctx, jobLog, progress } = jobContext(b.services, { scheduledFor: "2025-12-15T02:00:00Z" });
    const result = (await dailyAnalyticsJob.run(ctx)) as { keys: string[] };
    assert.equal(result.keys, ["analytics:daily:latest", "analytics:daily:2025-12-15"]);

    const latest = await b.readKey<DailyAnalytics>("analytics:daily:latest");
    assert.ok(latest, "analytics:daily:latest was written");
    assert.equal(await b.readKey("analytics:daily:2025-12-15"), latest);
    assert.is(latest.date, "2025-12-15");
    assert.is(latest.asOf, "2025-12-15T02:00:00.000Z");
    assert.is(latest.totalProducts, 6);
    assert.is(latest.inStock, 5);
    assert.is(latest.outOfStock, 1);
    assert.is(latest.lowStock, 3);
    assert.is(latest.totalValueCents, KNOWN_TOTAL_VALUE_CENTS);
    assert.is(latest.totalValue, 7912.27);
    assert.equal(
      latest.byCategory.map((c) => [c.categoryName, c.products, c.inStock, c.totalValue]),
      [
        ["Books", 2, 1, 1999],
        ["Empty", 0, 0, 0],
        ["Tools", 2, 2, 589.97],
        ["Toys", 2, 2, 5323.3],
      ],
    );

    const line = "Daily analytics generated successfully. Total Products: 6, In Stock: 5, Total Value: $7,912.27";
    assert.ok(messages(b.logs.records).includes(line), `the process log has the line; got ${JSON.stringify(messages(b.logs.records))}`);
    assert.equal(jobLog, [{ level: "info", message: line }]);
    assert.is(progress.at(-1)!.percent, 100);
  });

  test("the dated copy lives for its retention and the latest one for two days", async ({ b }) => {
    await knownCatalog(b.services.catalog);
    await dailyAnalyticsJob.run(jobContext(b.services, { scheduledFor: "2025-12-15T02:00:00Z" }).ctx);
    const day = 86_400_000;
    const dated = (await b.services.cache.ttl("analytics:daily:2025-12-15"))!;
    const latest = (await b.services.cache.ttl("analytics:daily:latest"))!;
    assert.ok(dated > 29 * day && dated <= 30 * day, `dated TTL ${dated}`);
    assert.ok(latest > 1.9 * day && latest <= 2 * day, `latest TTL ${latest}`);
  });

  test("running the job twice for the same instant leaves the same values", async ({ b }) => {
    await knownCatalog(b.services.catalog);
    await dailyAnalyticsJob.run(jobContext(b.services, { scheduledFor: "2025-12-15T02:00:00Z" }).ctx);
    const first = { latest: await b.readKey("analytics:daily:latest"), keys: await b.allKeys() };
    await b.clock.advance(3_600_000);
    await dailyAnalyticsJob.run(jobContext(b.services, { scheduledFor: "2025-12-15T02:00:00Z", attempt: 2 }).ctx);
    assert.equal({ latest: await b.readKey("analytics:daily:latest"), keys: await b.allKeys() }, first);
  });

  test("a late retry of an older run does not replace a newer latest snapshot", async ({ b }) => {
    const { productIds } = await knownCatalog(b.services.catalog);
    await dailyAnalyticsJob.run(jobContext(b.services, { scheduledFor: "2025-12-16T02:00:00Z" }).ctx);
    await b.services.catalog.changeStock(productIds.atlas, 5);
    await dailyAnalyticsJob.run(jobContext(b.services, { scheduledFor: "2025-12-15T02:00:00Z", attempt: 3 }).ctx);
    assert.is((await b.readKey<DailyAnalytics>("analytics:daily:latest"))!.date, "2025-12-16");
    assert.is((await b.readKey<DailyAnalytics>("analytics:daily:2025-12-15"))!.inStock, 6);
  });

  test("the value shows thousands separators and cents on the 150-product sample catalog", async ({ b }) => {
    await insertSample(b.services.catalog);
    await dailyAnalyticsJob.run(jobContext(b.services, { scheduledFor: "2025-12-15T02:00:00Z" }).ctx);
    const latest = (await b.readKey<DailyAnalytics>("analytics:daily:latest"))!;
    assert.is(latest.totalProducts, 150);
    const line = messages(b.logs.records).find((m) => m.startsWith("Daily analytics generated successfully."))!;
    assert.match(line, /^Daily analytics generated successfully\. Total Products: 150, In Stock: \d+, Total Value: \$\d{1,3}(,\d{3})+\.\d{2}$/);
    assert.ok(line.endsWith(`In Stock: ${latest.inStock}, Total Value: $${latest.totalValue.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`));
  });

  test("a failure is logged as 'Failed to generate daily analytics' with the error and rethrown for a retry", async ({ b }) => {
    const broken = { ...b.services, catalog: { ...b.services.catalog, totals: () => Promise.reject(new Error("connection refused (catalog)")) } };
    const { ctx, jobLog } = jobContext(broken as typeof b.services, { scheduledFor: "2025-12-15T02:00:00Z" });
    try {
      await dailyAnalyticsJob.run(ctx);
      assert.unreachable("the job should fail");
    } catch (err) {
      assert.match((err as Error).message, "connection refused (catalog)");
    }
    const rec = b.logs.records.find((r) => r.message === "Failed to generate daily analytics");
    assert.ok(rec, "the failure line is logged");
    assert.is(rec.level, "error");
    assert.match((rec.error as Error).message, "connection refused");
    assert.equal(jobLog, [{ level: "error", message: "Failed to generate daily analytics: Error: connection refused (catalog)" }]);
    assert.is(await b.readKey("analytics:daily:latest"), null);
  });

  test.run();
}
