// Stops and restarts a private PostgreSQL under a live catalog store: calls fail fast with
// DependencyUnavailableError during the outage and succeed again by themselves once the server
// is back, without reopening the store.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { CatalogStore } from "../../../src/adapters/catalog/catalog-store.ts";
import { createPostgresCatalogStore } from "../../../src/adapters/catalog/postgres-catalog-store.ts";
import { DependencyUnavailableError } from "../../../src/errors.ts";
import { rejection } from "./catalog-conformance.ts";
import { type PrivatePostgresServer, privatePostgresServer } from "./private-postgres-server.ts";

const server = await privatePostgresServer();
const test = suite<{ server: PrivatePostgresServer; store: CatalogStore }>("PostgreSQL catalog outage");

test.before(async (ctx) => {
  ctx.server = server!;
  await ctx.server.start();
  ctx.store = createPostgresCatalogStore({ url: ctx.server.url, schema: "catalog", now: () => Date.UTC(2025, 11, 15) });
  await ctx.store.migrate();
});
test.after(async (ctx) => {
  await ctx.store?.close();
  await ctx.server?.dispose();
});

const item = (categoryId: number, sku: string) => ({ sku, name: sku, categoryId, priceCents: 100, stockQuantity: 5 });

test("calls fail as DependencyUnavailableError while the server is down and succeed once it is back", async ({ server, store }) => {
  const cat = await store.createCategory({ name: "Books" });
  await store.createProduct(item(cat.id, "BEFORE-1"));

  await server.stop();
  const started = performance.now();
  // Each call's rejection is taken at once: one that fails while an earlier one is awaited would
  // otherwise be an unhandled rejection, which ends the test process.
  const calls = [store.ping(), store.listCategories(), store.createProduct(item(cat.id, "DURING-1"))].map(rejection);
  for (const call of calls) {
    const err = await call;
    assert.instance(err, DependencyUnavailableError);
    assert.is((err as DependencyUnavailableError).dependency, "catalog");
    assert.ok(err.cause, "the driver's error is kept as cause");
  }
  assert.ok(performance.now() - started < 5_000, "a server that is down fails calls fast, not after long timeouts");

  await server.start();
  assert.equal((await store.listCategories()).map((c) => c.name), ["Books"]);
  await store.createProduct(item(cat.id, "AFTER-1"));
  assert.equal((await store.listProducts({ limit: 10 })).items.map((p) => p.sku), ["BEFORE-1", "AFTER-1"]);
});

if (server) test.run();
else console.log("Total: 1\nPassed: 0\nSkipped: 1\n(no PostgreSQL binaries: outage test skipped)");
