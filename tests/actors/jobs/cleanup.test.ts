// cleanup on both backends: expired job history through the runtime, dated cache entries past
// retention, products soft-deleted long ago, and search documents whose products are gone — and a
// second run that finds nothing more to do.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { cleanupJob, type CleanupSummary, periodEnd } from "../../../src/actors/jobs/cleanup.ts";
import { type Backend, BACKENDS, jobContext, knownCatalog, messages } from "../../helpers/catalog-backends.ts";

const at = (iso: string) => Date.parse(iso);

async function allIds(b: Backend): Promise<number[]> {
  return b.services.search.ids(0, 1000);
}

for (const { name, open } of BACKENDS) {
  const test = suite<{ b: Backend }>(`cleanup on the ${name} backend`);
  test.before(async (ctx) => {
    ctx.b = await open("2025-12-15T00:00:00Z");
  });
  test.before.each(async ({ b }) => b.reset());
  test.after(async ({ b }) => b.close());

  test("it removes what is past retention, keeps the rest, and a second run changes nothing", async ({ b }) => {
    const { catalog, cache, search } = b.services;
    // "gone" was soft-deleted by knownCatalog at 2025-12-15: past the 30-day retention on 2026-02-01.
    const { productIds } = await knownCatalog(catalog);
    const live = async () => (await catalog.listProducts({ limit: 100 })).items;
    await search.upsert(await live());
    const gone = (await catalog.changedSince(null, 100)).find((p) => p.id === productIds.gone)!;
    await search.upsert([{ ...gone, deletedAt: null }]); // a document the sync never removed
    await search.upsert([{ ...gone, id: 99_999, sku: "NEVER-EXISTED", deletedAt: null }]);
    await b.clock.advance(at("2026-01-20T00:00:00Z") - b.clock.now());
    await catalog.deleteProduct(productIds.saw); // deleted 12 days before the run: kept in the catalog

    for (const key of [
      "analytics:daily:2025-12-01",
      "analytics:daily:2026-01-02",
      "analytics:daily:2026-01-15",
      "analytics:daily:latest",
      "reports:inventory:weekly:2025:W40",
      "reports:inventory:weekly:2025:W51",
      "products:popular",
    ]) {
      await cache.set(key, { key });
    }
    b.purged.result = 7;

    const first = jobContext(b.services, { scheduledFor: "2026-02-01T04:00:00Z" });
    const summary = (await cleanupJob.run(first.ctx)) as CleanupSummary;
    assert.equal(summary, {
      jobsPurged: 7,
      cacheKeysRemoved: ["analytics:daily:2025-12-01", "reports:inventory:weekly:2025:W40"],
      productsPurged: 1,
      searchDocumentsRemoved: 3, // the purged product, the one never in the catalog, the recently deleted saw
    });
    assert.is(b.purged.calls, 1);
    assert.equal(await b.allKeys(), [
      "analytics:daily:2026-01-02",
      "analytics:daily:2026-01-15",
      "analytics:daily:latest",
      "products:popular",
      "reports:inventory:weekly:2025:W51",
    ]);
    const liveIds = (await live()).map((p) => p.id).sort((x, y) => x - y);
    assert.equal(await allIds(b), liveIds);
    assert.is(await catalog.maxProductId(), productIds.hidden, "the purged product's row is gone; the saw's row stays");
    assert.equal(first.jobLog.map((l) => l.message), [
      "Cleanup completed: 7 expired jobs, 2 old cache entries, 1 deleted products and 3 orphaned search documents removed",
    ]);
    assert.ok(messages(b.logs.records).includes(first.jobLog[0].message));
    assert.is(first.progress.at(-1)!.percent, 100);

    b.purged.result = 0;
    const state = { keys: await b.allKeys(), ids: await allIds(b), max: await catalog.maxProductId() };
    const again = (await cleanupJob.run(jobContext(b.services, { scheduledFor: "2026-02-01T04:00:00Z", attempt: 2 }).ctx)) as CleanupSummary;
    assert.equal(again, { jobsPurged: 0, cacheKeysRemoved: [], productsPurged: 0, searchDocumentsRemoved: 0 });
    assert.equal({ keys: await b.allKeys(), ids: await allIds(b), max: await catalog.maxProductId() }, state);
  });

  test("orphaned documents are found across many batches of the index", async ({ b }) => {
    const { catalog, search } = b.services;
    const cat = await catalog.createCategory({ name: "Bulk" });
    await catalog.insertProducts(Array.from({ length: 2_500 }, (_, i) => ({ sku: `B-${i}`, name: `Bulk ${i}`, categoryId: cat.id, priceCents: 100, stockQuantity: 1 })));
    for await (const batch of catalog.streamProducts(1000)) await search.upsert(batch);
    const doomed = [5, 1_000, 1_001, 2_500];
    for (const id of doomed) await catalog.deleteProduct(id);
    const { ctx, progress } = jobContext(b.services, { scheduledFor: new Date(b.clock.now()).toISOString() });
    const summary = (await cleanupJob.run(ctx)) as CleanupSummary;
    assert.is(summary.searchDocumentsRemoved, 4);
    assert.is(await search.count(), 2_496);
    assert.ok(progress.filter((p) => p.message?.startsWith("Checked ")).length >= 3, "progress is reported per batch");
  });

  test.run();
}

const unit = suite("cleanup retention");

unit("a dated key's period ends at the end of its day or ISO week; undated keys have none", () => {
  assert.is(periodEnd("analytics:daily:2025-12-15"), at("2025-12-16T00:00:00Z"));
  assert.is(periodEnd("reports:inventory:weekly:2025:W51"), at("2025-12-22T00:00:00Z"));
  assert.is(periodEnd("reports:inventory:weekly:2026:W01"), at("2026-01-05T00:00:00Z"));
  assert.is(periodEnd("analytics:daily:latest"), null);
  assert.is(periodEnd("analytics:daily:2025-13-45"), null);
});

unit.run();
