// The Cache Warming Service on both backends: the same keys as the cache-warmup job (shared
// code), its log line, and its interval from configuration.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { cacheWarmupJob } from "../../../src/actors/jobs/cache-warmup.ts";
import { cacheWarmingService } from "../../../src/actors/services/cache-warming.ts";
import { type Backend, BACKENDS, jobContext, knownCatalog, messages, serviceContext, testConfig } from "../../helpers/catalog-backends.ts";

for (const { name, open } of BACKENDS) {
  const test = suite<{ b: Backend }>(`Cache Warming Service on the ${name} backend`);
  test.before(async (ctx) => {
    ctx.b = await open();
  });
  test.before.each(async ({ b }) => b.reset());
  test.after(async ({ b }) => b.close());

  const snapshot = async (b: Backend) => Object.fromEntries(await Promise.all((await b.allKeys()).map(async (k) => [k, await b.readKey(k)])));

  test("a pass warms popular products, categories, category counts and in-stock counts, as the job does", async ({ b }) => {
    await knownCatalog(b.services.catalog);
    const { ctx, logs, progress } = serviceContext(b.services, testConfig(), () => b.clock.now());
    await cacheWarmingService().run(ctx);
    assert.equal(Object.keys(await snapshot(b)), ["categories:all", "categories:counts", "products:in-stock-count", "products:popular"]);
    assert.equal(messages(logs.records), ["Cache warming completed: 6 popular products, 4 categories, 5 products in stock"]);
    assert.is(progress.at(-1)!.percent, 100);
    const byService = await snapshot(b);
    await b.reset();
    await knownCatalog(b.services.catalog);
    await cacheWarmupJob.run(jobContext(b.services, { scheduledFor: b.clock.now() }).ctx);
    const byJob = await snapshot(b);
    const stamps = (v: unknown) => JSON.parse(JSON.stringify(v).replace(/"(createdAt|updatedAt)":"[^"]*"/g, '"$1":""'));
    assert.equal(stamps(byJob), stamps(byService));
  });

  test.run();
}

const unit = suite("Cache Warming Service");

unit("runs every 6 hours unless configured otherwise, and says when it runs next", () => {
  const s = cacheWarmingService();
  assert.is(s.title, "Cache Warming Service");
  assert.is(s.intervalMs(testConfig()), 6 * 3_600_000);
  assert.is(s.intervalMs(testConfig({ CACHE_WARMING_INTERVAL: "90m" })), 90 * 60_000);
  assert.is(s.nextRunMessage!(6 * 3_600_000), "Next cache warming scheduled in 6 hours");
  assert.is(s.nextRunMessage!(90 * 60_000), "Next cache warming scheduled in 90 minutes");
});

unit.run();
