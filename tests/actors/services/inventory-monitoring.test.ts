// The Inventory Monitoring Service on both backends: each alert logged with its level and
// published as an inventory.alert event — read back from a queue bound to the real RabbitMQ
// exchange, or from the in-process bus.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { inventoryMonitoringService } from "../../../src/actors/services/inventory-monitoring.ts";
import { alertLevel, checkInventory } from "../../../src/actors/work/inventory-check.ts";
import { DependencyUnavailableError } from "../../../src/errors.ts";
import type { InventoryAlertEvent } from "../../../src/adapters/bus/event-bus.ts";
import { type Backend, BACKENDS, knownCatalog, serviceContext, testConfig } from "../../helpers/catalog-backends.ts";

for (const { name, open } of BACKENDS) {
  const test = suite<{ b: Backend }>(`Inventory Monitoring Service on the ${name} backend`);
  test.before(async (ctx) => {
    ctx.b = await open("2025-12-15T09:00:00Z");
  });
  test.before.each(async ({ b }) => b.reset());
  test.after(async ({ b }) => b.close());

  test("a cache outage does not fail the pass: its retry would publish every alert again", async ({ b }) => {
    await knownCatalog(b.services.catalog); // 4 alerts
    const received = await b.collect("inventory.alert.#");
    const cache = Object.create(b.services.cache);
    cache.set = () => Promise.reject(new DependencyUnavailableError("cache", "Redis at 127.0.0.1:6379 is unreachable"));
    const { ctx, logs } = serviceContext({ ...b.services, cache }, testConfig(), () => b.clock.now());
    try {
      await inventoryMonitoringService().run(ctx);
      await received.waitFor(4);
      assert.ok(logs.records.some((r) => r.level === "warn" && r.message.startsWith("Could not cache the inventory alert summary")));
    } finally {
      await received.close();
    }
  });

  test("each alert is logged and published with its level: out of stock 0, critical ≤ 5, low ≤ 10", async ({ b }) => {
    const { productIds } = await knownCatalog(b.services.catalog);
    const received = await b.collect("inventory.alert.#");
    const { ctx, logs } = serviceContext(b.services, testConfig(), () => b.clock.now());
    try {
      await inventoryMonitoringService().run(ctx);
      const events = (await received.waitFor(4)) as InventoryAlertEvent[];
      assert.equal(
        events.map((e) => [e.type, e.level, e.productId, e.sku, e.stockQuantity, e.at]),
        [
          ["inventory.alert", "out_of_stock", productIds.atlas, "BK-2", 0, "2025-12-15T09:00:00.000Z"],
          ["inventory.alert", "critical", productIds.drill, "TL-1", 3, "2025-12-15T09:00:00.000Z"],
          ["inventory.alert", "low", productIds.saw, "TL-2", 8, "2025-12-15T09:00:00.000Z"],
          ["inventory.alert", "low", productIds.kite, "TY-1", 10, "2025-12-15T09:00:00.000Z"],
        ],
      );
      assert.equal(
        logs.records.map((r) => [r.level, r.message]),
        [
          ["warn", `Out of stock alert: World Atlas (SKU BK-2, id ${productIds.atlas}, Books) has no units left`],
          ["warn", `Critical stock alert: Cordless Drill (SKU TL-1, id ${productIds.drill}, Tools) has only 3 units left`],
          ["info", `Low stock alert: Hand Saw (SKU TL-2, id ${productIds.saw}, Tools) has 8 units left`],
          ["info", `Low stock alert: Stunt Kite (SKU TY-1, id ${productIds.kite}, Toys) has 10 units left`],
          ["info", "Inventory check completed: 1 out of stock, 3 more at or below 10 units; 4 alerts published (1 out of stock, 1 critical, 2 low)"],
        ],
      );
      const summary = await b.readKey<{ alerts: { published: number } }>("inventory:alerts:latest");
      assert.is(summary?.alerts.published, 4);
    } finally {
      await received.close();
    }
  });

  test("a pass publishes at most its cap, lowest stock first, and the summary still counts them all", async ({ b }) => {
    const cat = await b.services.catalog.createCategory({ name: "Bulk" });
    await b.services.catalog.insertProducts(Array.from({ length: 30 }, (_, i) => ({ sku: `LOW-${i}`, name: `Low ${i}`, categoryId: cat.id, priceCents: 100, stockQuantity: i % 11 })));
    const received = await b.collect("inventory.alert.*");
    try {
      const { ctx, logs } = serviceContext(b.services, testConfig(), () => b.clock.now());
      const summary = await checkInventory({ ...b.services, logger: ctx.logger, now: ctx.now, maxAlerts: 5 });
      assert.equal(summary, { outOfStock: 3, critical: 2, low: 0, published: 5 });
      assert.equal(((await received.waitFor(5)) as InventoryAlertEvent[]).map((e) => e.stockQuantity), [0, 0, 0, 1, 1]);
      assert.match(logs.records.at(-1)!.message, /^Inventory check completed: 3 out of stock, 27 more at or below 10 units; 5 alerts published/);
    } finally {
      await received.close();
    }
  });

  test.run();
}

const unit = suite("Inventory Monitoring Service");

unit("levels follow DESIGN.md's thresholds and the interval comes from configuration", () => {
  assert.equal([0, 1, 5, 6, 10, 11].map(alertLevel), ["out_of_stock", "critical", "critical", "low", "low", null]);
  const s = inventoryMonitoringService();
  assert.is(s.title, "Inventory Monitoring Service");
  assert.is(s.intervalMs(testConfig()), 3_600_000);
  assert.is(s.intervalMs(testConfig({ INVENTORY_MONITORING_INTERVAL: "15m" })), 900_000);
  assert.is(s.nextRunMessage!(3_600_000), "Next inventory check scheduled in 1 hour");
});

unit.run();
