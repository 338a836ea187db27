// The Elasticsearch Sync Service against the embedded FTS5 index (on both catalog backends) and
// the Elasticsearch adapter over @elastic/elasticsearch-mock: a full rebuild when the index is
// missing, incremental passes that touch only what changed, deletions, a watermark that survives
// a restart, and product events applied between passes.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { elasticsearchSyncService, watermarkPath } from "../../../src/actors/services/elasticsearch-sync.ts";
import { syncSearch } from "../../../src/actors/work/search-sync.ts";
import { fileWatermark, memoryWatermark } from "../../../src/actors/work/sync-watermark.ts";
import type { CatalogServices } from "../../../src/actors/worker-services.ts";
import type { Product } from "../../../src/adapters/catalog/catalog-store.ts";
import { ElasticsearchSearchIndex } from "../../../src/adapters/search/elasticsearch-search-index.ts";
import { FtsSearchIndex } from "../../../src/adapters/search/fts-search-index.ts";
import { openSqliteCatalogStore } from "../../../src/adapters/catalog/sqlite-catalog-store.ts";
import type { SearchIndex } from "../../../src/adapters/search/search-index.ts";
import { FakeElasticsearch } from "../../adapters/search/fake-elasticsearch.ts";
import { type Backend, BACKENDS, embeddedBackend, messages, serviceContext, testConfig } from "../../helpers/catalog-backends.ts";

/** Counts the documents each write carries, and lets a test await the next one. */
function spied(index: SearchIndex) {
  const writes: { upserted: number[]; removed: number[] }[] = [];
  let waiter: (() => void) | null = null;
  const note = (w: { upserted: number[]; removed: number[] }) => {
    writes.push(w);
    waiter?.();
    waiter = null;
  };
  const proxy = new Proxy(index, {
    get(target, prop, receiver) {
      if (prop === "upsert") return async (ps: Product[]) => (await target.upsert(ps), note({ upserted: ps.filter((p) => !p.deletedAt).map((p) => p.id), removed: ps.filter((p) => p.deletedAt).map((p) => p.id) }));
      if (prop === "remove") return async (ids: number[]) => (await target.remove(ids), note({ upserted: [], removed: ids }));
      const v = Reflect.get(target, prop, receiver);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  return { index: proxy, writes, nextWrite: () => new Promise<void>((r) => (waiter = r)) };
}

/**
 * n products, stamped a minute before the test goes on: an incremental pass re-reads a short
 * overlap before its watermark (late commits), so rows written in the same instant as a rebuild
 * would be read again.
 */
async function bulkCatalog(b: Backend, n: number) {
  const cat = await b.services.catalog.createCategory({ name: "Audio" });
  await b.services.catalog.insertProducts(
    Array.from({ length: n }, (_, i) => ({ sku: `AU-${i + 1}`, name: `Speaker model ${i + 1}`, categoryId: cat.id, priceCents: 1000 + i, stockQuantity: i % 20 })),
  );
  await b.clock.advance(60_000);
}

for (const { name, open } of BACKENDS) {
  const test = suite<{ b: Backend }>(`Elasticsearch Sync Service into FTS5, on the ${name} catalog`);
  test.before(async (ctx) => {
    ctx.b = await open("2025-12-15T00:00:00Z");
  });
  test.before.each(async ({ b }) => {
    await b.reset();
    rmSync(watermarkPath({ dataDir: b.dir }), { force: true });
  });
  test.after(async ({ b }) => b.close());

  const run = async (b: Backend, services: CatalogServices = b.services) => {
    const service = elasticsearchSyncService();
    const sc = serviceContext(services, testConfig({ DATA_DIR: b.dir }), () => b.clock.now());
    await service.run(sc.ctx);
    return sc;
  };

  test("the first pass rebuilds the missing index and logs the lines operators grep for", async ({ b }) => {
    await bulkCatalog(b, 150);
    assert.is(await b.services.search.exists(), false);
    const { logs, progress } = await run(b);
    assert.equal(messages(logs.records), ["Rebuilt the search index from the catalog (the index is missing)", "Successfully synced 150 products to Elasticsearch"]);
    assert.is(await b.services.search.count(), 150);
    assert.is((await b.services.search.search("speaker 42", { limit: 5, offset: 0 })).hits[0].sku, "AU-42");
    assert.is(progress.at(-1)!.percent, 100);
    assert.ok(existsSync(watermarkPath({ dataDir: b.dir })), "the watermark is persisted in DATA_DIR");
    const service = elasticsearchSyncService();
    assert.is(service.title, "Elasticsearch Sync Service");
    assert.is(service.intervalMs(testConfig()), 30 * 60_000);
    assert.is(service.nextRunMessage!(30 * 60_000), "Next Elasticsearch sync scheduled in 30 minutes");
    assert.is(service.intervalMs(testConfig({ ELASTICSEARCH_SYNC_INTERVAL: "5m" })), 5 * 60_000);
  });

  test("an incremental pass writes only the few products changed among thousands, and removes the deleted", async ({ b }) => {
    await bulkCatalog(b, 3_000);
    await run(b);
    await b.clock.advance(60_000);
    const { catalog } = b.services;
    await catalog.updateProduct(17, { name: "Speaker model seventeen Aurora" });
    await catalog.changeStock(1_500, 5);
    await catalog.updateProduct(2_999, { priceCents: 4_999 });
    await catalog.deleteProduct(2_000);
    await b.clock.advance(60_000);

    const spy = spied(b.services.search);
    const { logs } = await run(b, { ...b.services, search: spy.index });
    assert.equal(messages(logs.records), ["Removed 1 deleted products from the search index", "Successfully synced 4 products to Elasticsearch"]);
    assert.equal(spy.writes, [{ upserted: [17, 1_500, 2_999], removed: [2_000] }]);
    assert.is(await b.services.search.count(), 2_999);
    assert.equal((await b.services.search.search("aurora", { limit: 5, offset: 0 })).hits.map((h) => h.id), [17]);
    assert.is((await b.services.search.search("AU-2999", { limit: 1, offset: 0 })).hits[0].priceCents, 4_999);

    // Nothing changed since: the next pass writes nothing and says so.
    const spy2 = spied(b.services.search);
    const again = await run(b, { ...b.services, search: spy2.index });
    assert.equal(messages(again.logs.records), ["Successfully synced 0 products to Elasticsearch"]);
    assert.equal(spy2.writes, []);
  });

  test("a restarted service resumes from the persisted watermark instead of rebuilding", async ({ b }) => {
    await bulkCatalog(b, 200);
    await run(b);
    await b.clock.advance(60_000);
    await b.services.catalog.updateProduct(5, { name: "Renamed after restart" });
    const state = await fileWatermark(watermarkPath({ dataDir: b.dir })).read();
    assert.is(state!.index, "fts5");
    const { logs } = await run(b); // a new service instance: what a restarted thread runs
    assert.equal(messages(logs.records), ["Successfully synced 1 products to Elasticsearch"]);
  });

  test("an index that went missing is rebuilt in full", async ({ b }) => {
    await bulkCatalog(b, 120);
    await run(b);
    await b.services.search.close();
    for (const f of ["search.db", "search.db-wal", "search.db-shm"]) rmSync(join(b.dir, f), { force: true });
    b.services.search = await FtsSearchIndex.open(join(b.dir, "search.db"));
    const { logs } = await run(b);
    assert.equal(messages(logs.records), ["Rebuilt the search index from the catalog (the index is missing)", "Successfully synced 120 products to Elasticsearch"]);
    assert.is(await b.services.search.count(), 120);
  });

  test("product events update the index between passes", async ({ b }) => {
    await bulkCatalog(b, 50);
    await run(b);
    const spy = spied(b.services.search);
    const services = { ...b.services, search: spy.index };
    const service = elasticsearchSyncService();
    const sc = serviceContext(services, testConfig({ DATA_DIR: b.dir }), () => b.clock.now());
    await service.start!(sc.ctx);
    try {
      const { catalog, bus } = b.services;
      const p = (await catalog.updateProduct(7, { name: "Nebula Soundbar" }))!;
      let written = spy.nextWrite();
      await bus.publish({ type: "product.updated", productId: p.id, sku: p.sku, at: p.updatedAt });
      await written;
      assert.equal((await b.services.search.search("nebula", { limit: 5, offset: 0 })).hits.map((h) => h.id), [7]);

      await catalog.deleteProduct(8);
      written = spy.nextWrite();
      await bus.publish({ type: "product.deleted", productId: 8, sku: "AU-8", at: new Date(b.clock.now()).toISOString() });
      await written;
      assert.is(await b.services.search.count(), 49);
      assert.equal(spy.writes, [
        { upserted: [7], removed: [] },
        { upserted: [], removed: [8] },
      ]);
    } finally {
      await service.stop!(sc.ctx);
    }
  });

  test.run();
}

const large = suite("Elasticsearch Sync Service on large catalogs");

large("a full rebuild reports its progress batch by batch and a stopped one is redone", async () => {
  const b = await embeddedBackend();
  try {
    await bulkCatalog(b, 2_500);
    const progress: number[] = [];
    const controller = new AbortController();
    const watermark = memoryWatermark();
    const stopped = syncSearch({
      ...b.services,
      watermark,
      now: () => b.clock.now(),
      batchSize: 500,
      signal: controller.signal,
      progress: (p) => {
        progress.push(p);
        if (p > 30) controller.abort(new Error("the service is stopping"));
      },
    });
    await stopped.then(
      () => assert.unreachable("an aborted rebuild must not report success"),
      (err) => assert.match((err as Error).message, "the service is stopping"),
    );
    assert.is(watermark.state, null, "no watermark after a partial rebuild");
    assert.is(await b.services.search.exists(), false, "a partial FTS index does not count as existing");

    const seen: number[] = [];
    const outcome = await syncSearch({ ...b.services, watermark, now: () => b.clock.now(), batchSize: 500, progress: (p) => seen.push(Math.round(p)) });
    assert.equal([outcome.mode, outcome.synced], ["full", 2_500]);
    assert.equal(seen, [0, 20, 40, 60, 80, 99, 100]);
  } finally {
    await b.close();
  }
});

large("a change stamped before the watermark but committed after the pass read is still applied", async () => {
  const b = await embeddedBackend("2025-12-15T00:00:00Z");
  const T = b.clock.now();
  const lateClock = { now: () => T + 119_600 }; // a writer whose clock (or commit) lags
  const late = await openSqliteCatalogStore(join(b.dir, "catalog.db"), { now: lateClock.now });
  try {
    await bulkCatalog(b, 30); // stamped T, clock now T+60 s
    const watermark = memoryWatermark();
    const pass = (now: number) => syncSearch({ ...b.services, watermark, now: () => now });
    assert.is((await pass(T + 60_000)).mode, "full");
    await b.clock.advance(60_000); // T+120 s
    await b.services.catalog.updateProduct(3, { name: "Prompt Woofer" });
    const B = await pass(T + 120_500);
    assert.equal([B.synced, B.reread], [1, 0]);
    await late.updateProduct(4, { name: "Tardy Tweeter" }); // stamped T+119.6 s, visible only now
    const C = await pass(T + 180_000);
    assert.equal([C.synced, C.reread], [0, 2], "the late-commit window is read again");
    assert.equal((await b.services.search.search("tardy", { limit: 5, offset: 0 })).hits.map((h) => h.id), [4]);
    const D = await pass(T + 240_000);
    assert.equal([D.synced, D.reread], [0, 0], "and only once");
  } finally {
    await late.close();
    await b.close();
  }
});

const es = suite("Elasticsearch Sync Service into Elasticsearch (@elastic/elasticsearch-mock)");

es("a full sync creates the index, bulk-writes every product; incremental ones write only the changes and delete", async () => {
  const b = await embeddedBackend();
  const fake = new FakeElasticsearch();
  const search = new ElasticsearchSearchIndex({ node: "http://localhost:9200", clientOptions: { Connection: fake.connection() } });
  const services = { ...b.services, search };
  const run = async () => {
    const sc = serviceContext(services, testConfig({ DATA_DIR: b.dir }), () => b.clock.now());
    await elasticsearchSyncService().run(sc.ctx);
    return messages(sc.logs.records);
  };
  const routes = () => fake.requests.map((r) => `${r.method} ${r.path}`);
  try {
    await bulkCatalog(b, 1_200);
    assert.equal(await run(), ["Rebuilt the search index from the catalog (the index is missing)", "Successfully synced 1200 products to Elasticsearch"]);
    assert.ok(routes().includes("PUT /products"), "the index is created with its mapping");
    assert.is(routes().filter((r) => r === "POST /products/_bulk" || r === "PUT /products/_bulk").length, 2, "two bulk requests of ≤ 1000");
    assert.is(fake.autoCreated, false);
    assert.is(fake.indices.get("products")!.docs.size, 1_200);

    await b.clock.advance(60_000);
    await b.services.catalog.updateProduct(10, { name: "Quasar Amplifier" });
    await b.services.catalog.deleteProduct(11);
    fake.requests.length = 0;
    assert.equal(await run(), ["Removed 1 deleted products from the search index", "Successfully synced 2 products to Elasticsearch"]);
    const bulks = fake.requests.filter((r) => r.path === "/products/_bulk");
    assert.is(bulks.length, 1);
    assert.equal(bulks[0].body, [{ index: { _id: "10" } }, (bulks[0].body as unknown[])[1], { delete: { _id: "11" } }]);
    assert.is(((bulks[0].body as { name: string }[])[1]).name, "Quasar Amplifier");
    assert.is(fake.indices.get("products")!.docs.size, 1_199);
  } finally {
    await search.close();
    await b.close();
  }
});

large.run();
es.run();
