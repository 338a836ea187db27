// weekly-inventory-report on both backends: the key names the ISO week of the run's instant
// (week-years included), the report lists low and out-of-stock products, and a rerun changes
// nothing.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { weeklyInventoryReportJob } from "../../../src/actors/jobs/weekly-inventory-report.ts";
import type { WeeklyInventoryReport } from "../../../src/actors/work/analytics.ts";
import { type Backend, BACKENDS, jobContext, KNOWN_TOTAL_VALUE_CENTS, knownCatalog, messages } from "../../helpers/catalog-backends.ts";

for (const { name, open } of BACKENDS) {
  const test = suite<{ b: Backend }>(`weekly-inventory-report on the ${name} backend`);
  test.before(async (ctx) => {
    ctx.b = await open();
  });
  test.before.each(async ({ b }) => b.reset());
  test.after(async ({ b }) => b.close());

  test("the report is cached under the ISO year and week of its Monday run", async ({ b }) => {
    await knownCatalog(b.services.catalog);
    const { ctx, jobLog } = jobContext(b.services, { scheduledFor: "2025-12-15T03:00:00Z" });
    await weeklyInventoryReportJob.run(ctx);
    assert.equal(await b.allKeys(), ["reports:inventory:weekly:2025:W51"]);
    const r = (await b.readKey<WeeklyInventoryReport>("reports:inventory:weekly:2025:W51"))!;
    assert.is(r.week, "2025-W51");
    assert.is(r.weekStart, "2025-12-15T00:00:00.000Z");
    assert.is(r.asOf, "2025-12-15T03:00:00.000Z");
    assert.is(r.totalProducts, 6);
    assert.is(r.totalValueCents, KNOWN_TOTAL_VALUE_CENTS);
    assert.equal(
      r.byCategory.map((c) => [c.categoryName, c.products, c.stockUnits, c.outOfStock, c.lowStock]),
      [
        ["Books", 2, 100, 1, 0],
        ["Empty", 0, 0, 0, 0],
        ["Tools", 2, 11, 0, 2],
        ["Toys", 2, 1010, 0, 1],
      ],
    );
    assert.equal(r.outOfStock, { count: 1, items: [{ id: r.outOfStock.items[0].id, sku: "BK-2", name: "World Atlas", categoryName: "Books", stockQuantity: 0 }] });
    assert.is(r.lowStock.count, 3);
    assert.equal(
      r.lowStock.items.map((i) => [i.sku, i.stockQuantity]),
      [
        ["TL-1", 3],
        ["TL-2", 8],
        ["TY-1", 10],
      ],
    );
    assert.equal(jobLog.map((l) => l.message), ["Weekly inventory report 2025-W51 generated: 6 products in 4 categories, 3 low stock, 1 out of stock"]);
    assert.ok(messages(b.logs.records).includes(jobLog[0].message));
  });

  test("week-years follow ISO 8601 at both ends of the calendar year", async ({ b }) => {
    await knownCatalog(b.services.catalog);
    for (const at of ["2024-12-30T03:00:00Z", "2027-01-01T03:00:00Z", "2026-01-05T03:00:00Z"]) {
      await weeklyInventoryReportJob.run(jobContext(b.services, { scheduledFor: at }).ctx);
    }
    assert.equal(await b.allKeys(), ["reports:inventory:weekly:2025:W01", "reports:inventory:weekly:2026:W02", "reports:inventory:weekly:2026:W53"]);
  });

  test("running it twice for the same instant leaves the same report", async ({ b }) => {
    await knownCatalog(b.services.catalog);
    await weeklyInventoryReportJob.run(jobContext(b.services, { scheduledFor: "2025-12-15T03:00:00Z" }).ctx);
    const first = await b.readKey("reports:inventory:weekly:2025:W51");
    await b.clock.advance(60_000);
    await weeklyInventoryReportJob.run(jobContext(b.services, { scheduledFor: "2025-12-15T03:00:00Z", attempt: 2 }).ctx);
    assert.equal(await b.readKey("reports:inventory:weekly:2025:W51"), first);
    assert.equal(await b.allKeys(), ["reports:inventory:weekly:2025:W51"]);
  });

  test("low-stock products are listed even when many more are out of stock", async ({ b }) => {
    const cat = await b.services.catalog.createCategory({ name: "Bulk" });
    const rows = Array.from({ length: 700 }, (_, i) => ({ sku: `OUT-${i}`, name: `Out ${i}`, categoryId: cat.id, priceCents: 100, stockQuantity: 0 }));
    rows.push({ sku: "LOW-1", name: "Low One", categoryId: cat.id, priceCents: 100, stockQuantity: 4 });
    await b.services.catalog.insertProducts(rows);
    await weeklyInventoryReportJob.run(jobContext(b.services, { scheduledFor: "2025-12-15T03:00:00Z" }).ctx);
    const r = (await b.readKey<WeeklyInventoryReport>("reports:inventory:weekly:2025:W51"))!;
    assert.is(r.outOfStock.count, 700);
    assert.is(r.outOfStock.items.length, 500);
    assert.equal(r.lowStock, { count: 1, items: [{ id: r.lowStock.items[0].id, sku: "LOW-1", name: "Low One", categoryName: "Bulk", stockQuantity: 4 }] });
  });

  test("the report still runs with more than 99,500 products out of stock", async ({ b }) => {
    // The low-stock list used to be read past every out-of-stock row, with a limit the store refuses above 100,000.
    const cat = await b.services.catalog.createCategory({ name: "Bulk" });
    for (let start = 0; start < 99_501; start += 10_000) {
      const rows = Array.from({ length: Math.min(10_000, 99_501 - start) }, (_, i) => ({ sku: `OOS-${start + i}`, name: `Sold out ${start + i}`, categoryId: cat.id, priceCents: 100, stockQuantity: 0 }));
      await b.services.catalog.insertProducts(rows);
    }
    await b.services.catalog.createProduct({ sku: "LOW-1", name: "Almost gone", categoryId: cat.id, priceCents: 100, stockQuantity: 3 });
    await weeklyInventoryReportJob.run(jobContext(b.services, { scheduledFor: "2025-12-15T03:00:00Z" }).ctx);
    const r = (await b.readKey<WeeklyInventoryReport>("reports:inventory:weekly:2025:W51"))!;
    assert.is(r.outOfStock.count, 99_501);
    assert.equal(r.lowStock.items.map((i) => i.sku), ["LOW-1"]);
  });

  test.run();
}
