// cache-warmup and popular-products on both backends: the keys they write, read back as users
// read them, and the same values after a second run.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { cacheWarmupJob } from "../../../src/actors/jobs/cache-warmup.ts";
import { popularProductsJob } from "../../../src/actors/jobs/popular-products.ts";
import type { ProductJson } from "../../../src/product-json.ts";
import { type Backend, BACKENDS, jobContext, knownCatalog, messages } from "../../helpers/catalog-backends.ts";

for (const { name, open } of BACKENDS) {
  const test = suite<{ b: Backend }>(`cache-warmup and popular-products on the ${name} backend`);
  test.before(async (ctx) => {
    ctx.b = await open();
  });
  test.before.each(async ({ b }) => b.reset());
  test.after(async ({ b }) => b.close());

  test("popular-products caches live products by popularity, prices as decimals", async ({ b }) => {
    await knownCatalog(b.services.catalog);
    const { ctx, jobLog } = jobContext(b.services, { scheduledFor: "2025-12-15T01:15:00Z" });
    await popularProductsJob.run(ctx);
    assert.equal(await b.allKeys(), ["products:popular"]);
    const popular = (await b.readKey<ProductJson[]>("products:popular"))!;
    // Live, active products only: the deleted ball (popularity 1000) and the inactive top are not offered.
    assert.equal(
      popular.map((p) => [p.sku, p.price, p.popularity]),
      [
        ["BK-2", 45.5, 900],
        ["TL-1", 129.99, 700],
        ["TY-1", 33.33, 300],
        ["BK-1", 19.99, 50],
        ["TL-2", 25, 10],
        ["TY-2", 4.99, 5],
      ],
    );
    assert.equal(jobLog.map((l) => l.message), ["Popular products refreshed: " + popular.length + " products cached at products:popular"]);
    const ttl = (await b.services.cache.ttl("products:popular"))!;
    assert.ok(ttl > 3_500_000 && ttl <= 7_200_000, `TTL ${ttl}`);
  });

  test("cache-warmup writes popular products, categories, category counts and in-stock counts", async ({ b }) => {
    await knownCatalog(b.services.catalog);
    const { ctx, progress } = jobContext(b.services, { scheduledFor: "2025-12-15T06:00:00Z" });
    const summary = await cacheWarmupJob.run(ctx);
    assert.equal(await b.allKeys(), ["categories:all", "categories:counts", "products:in-stock-count", "products:popular"]);
    assert.equal(((await b.readKey<{ name: string }[]>("categories:all")) ?? []).map((c) => c.name), ["Books", "Empty", "Tools", "Toys"]);
    assert.equal(
      ((await b.readKey<{ categoryName: string; products: number; inStock: number }[]>("categories:counts")) ?? []).map((c) => [c.categoryName, c.products, c.inStock]),
      [
        ["Books", 2, 1],
        ["Empty", 0, 0],
        ["Tools", 2, 2],
        ["Toys", 2, 2],
      ],
    );
    assert.equal(await b.readKey("products:in-stock-count"), { totalProducts: 6, inStock: 5, outOfStock: 1, lowStock: 3 });
    assert.is((summary as { categories: number }).categories, 4);
    assert.equal(progress.map((p) => p.percent), [0, 25, 50, 75, 100]);
    assert.ok(messages(b.logs.records).includes("Cache warm-up completed: 6 popular products, 4 categories, 5 products in stock"));
  });

  test("a second warm-up leaves every key as the first one did", async ({ b }) => {
    await knownCatalog(b.services.catalog);
    await cacheWarmupJob.run(jobContext(b.services, { scheduledFor: "2025-12-15T06:00:00Z" }).ctx);
    const snapshot = async () => Object.fromEntries(await Promise.all((await b.allKeys()).map(async (k) => [k, await b.readKey(k)])));
    const first = await snapshot();
    await cacheWarmupJob.run(jobContext(b.services, { scheduledFor: "2025-12-15T06:00:00Z", attempt: 2 }).ctx);
    assert.equal(await snapshot(), first);
  });

  test.run();
}
