// One suite every CatalogStore must pass. Each *.test.ts calls catalogConformance with a harness
// for its implementation; nothing here knows which one it is testing.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { VirtualClock } from "../../../src/actors/runtime/virtual-clock.ts";
import type { CatalogStore, NewProduct, Product } from "../../../src/adapters/catalog/catalog-store.ts";
import { generateProducts, SAMPLE_CATEGORIES, seedIfEmpty } from "../../../src/adapters/catalog/sample-catalog.ts";
import { ConflictError, ValidationError } from "../../../src/errors.ts";

export interface CatalogHarness {
  /** A migrated store over an empty catalog that sees nothing of the other tests. */
  open(now: () => number): Promise<CatalogStore>;
  /** After the last test: remove whatever the suite left behind. */
  teardown?(): Promise<void>;
}

interface Ctx {
  store: CatalogStore;
  clock: VirtualClock;
  books: number;
  games: number;
}

const START = "2025-12-15T02:00:00.000Z";

export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  assert.unreachable("expected the call to reject, and it resolved");
  throw new Error("unreachable");
}

function item(categoryId: number, sku: string, more: Partial<NewProduct> = {}): NewProduct {
  return { sku, name: `Product ${sku}`, categoryId, priceCents: 1000, stockQuantity: 20, ...more };
}

const ids = (rows: { id: number }[]) => rows.map((r) => r.id);

export function catalogConformance(name: string, harness: CatalogHarness): void {
  const test = suite<Ctx>(`${name} catalog store conformance`);
  test.before.each(async (ctx) => {
    ctx.clock = new VirtualClock(START);
    ctx.store = await harness.open(() => ctx.clock.now());
    ctx.books = (await ctx.store.createCategory({ name: "Books", description: "Paper and ink" })).id;
    ctx.games = (await ctx.store.createCategory({ name: "Games" })).id;
  });
  test.after.each(async (ctx) => {
    await ctx.store.close();
  });
  test.after(async () => {
    await harness.teardown?.();
  });

  test("a product reads back whole, with its category's name and the clock's timestamps", async (ctx) => {
    const created = await ctx.store.createProduct(
      item(ctx.books, "BOO-1", { name: "Atlas", description: "Maps", priceCents: 2499, stockQuantity: 7, popularity: 12 }),
    );
    const expected: Omit<Product, "id"> = {
      sku: "BOO-1",
      name: "Atlas",
      description: "Maps",
      categoryId: ctx.books,
      categoryName: "Books",
      priceCents: 2499,
      stockQuantity: 7,
      isActive: true,
      popularity: 12,
      createdAt: START,
      updatedAt: START,
      deletedAt: null,
    };
    assert.equal({ ...created, id: undefined }, { ...expected, id: undefined });
    assert.equal(await ctx.store.getProduct(created.id), created);
    assert.is(await ctx.store.getProduct(created.id + 1000), null);
  });

  test("categories list by name and read back, and a second one with a taken name is a conflict", async (ctx) => {
    const names = (await ctx.store.listCategories()).map((c) => c.name);
    assert.equal(names, ["Books", "Games"]);
    const books = await ctx.store.getCategory(ctx.books);
    assert.equal(books, { id: ctx.books, name: "Books", description: "Paper and ink", createdAt: START, updatedAt: START });
    const err = await rejection(ctx.store.createCategory({ name: "Books" }));
    assert.instance(err, ConflictError);
    assert.match(err.message, /"Books"/);
  });

  test("a sku a live product already has is refused with a conflict naming the sku", async (ctx) => {
    await ctx.store.createProduct(item(ctx.books, "DUP-1"));
    const err = await rejection(ctx.store.createProduct(item(ctx.games, "DUP-1")));
    assert.instance(err, ConflictError);
    assert.match(err.message, /"DUP-1"/);
    assert.ok(err.cause, "the driver's error is kept as cause");
    const other = await ctx.store.createProduct(item(ctx.books, "DUP-2"));
    const renamed = await rejection(ctx.store.updateProduct(other.id, { sku: "DUP-1" }));
    assert.instance(renamed, ConflictError);
    assert.match(renamed.message, /"DUP-1"/);
  });

  test("deleting a product frees its sku for a new one", async (ctx) => {
    const first = await ctx.store.createProduct(item(ctx.books, "REUSE-1"));
    assert.ok(await ctx.store.deleteProduct(first.id));
    const second = await ctx.store.createProduct(item(ctx.books, "REUSE-1"));
    assert.is.not(second.id, first.id);
  });

  test("a product in a category that does not exist is a validation error on categoryId", async (ctx) => {
    const err = await rejection(ctx.store.createProduct(item(9_999, "NOCAT-1")));
    assert.instance(err, ValidationError);
    assert.is((err as ValidationError).field, "categoryId");
  });

  test("bad input is refused with the field named, before it reaches the database", async (ctx) => {
    const cases: [Partial<NewProduct>, string][] = [
      [{ priceCents: -1 }, "priceCents"],
      [{ priceCents: 19.99 }, "priceCents"],
      [{ stockQuantity: -3 }, "stockQuantity"],
      [{ sku: "" }, "sku"],
      [{ sku: "has space" }, "sku"],
      [{ name: "  " }, "name"],
    ];
    for (const [bad, field] of cases) {
      const err = await rejection(ctx.store.createProduct({ ...item(ctx.books, "OK-1"), ...bad }));
      assert.instance(err, ValidationError, JSON.stringify(bad));
      assert.is((err as ValidationError).field, field);
    }
    assert.is(await ctx.store.countProducts(), 0);
  });

  test("prices stay exact to the cent: 19.99 × 3 adds up to exactly 59.97", async (ctx) => {
    await ctx.store.createProduct(item(ctx.books, "EXACT-1", { priceCents: 1999, stockQuantity: 3 }));
    assert.is((await ctx.store.totals()).totalValueCents, 5997);
    // A float sum of 0.10 ten thousand times drifts; integer cents do not.
    await ctx.store.insertProducts(
      Array.from({ length: 100 }, (_, i) => item(ctx.games, `DIME-${i}`, { priceCents: 10, stockQuantity: 100 })),
    );
    // Large values too: 21,474,836.47 × 1,000 units is past 2^31 cents per row.
    await ctx.store.createProduct(item(ctx.games, "BIG-1", { priceCents: 2_147_483_647, stockQuantity: 1000 }));
    const totals = await ctx.store.totals();
    assert.is(totals.totalValueCents, 5997 + 100 * 10 * 100 + 2_147_483_647 * 1000);
    assert.is(totals.byCategory.find((c) => c.categoryId === ctx.books)?.valueCents, 5997);
  });

  test("stock never goes below zero, and a refused change leaves it as it was", async (ctx) => {
    const p = await ctx.store.createProduct(item(ctx.books, "STOCK-1", { stockQuantity: 3 }));
    const err = await rejection(ctx.store.changeStock(p.id, -4));
    assert.instance(err, ConflictError);
    assert.match(err.message, /has 3 in stock/);
    assert.is((await ctx.store.getProduct(p.id))?.stockQuantity, 3);
    await ctx.clock.advance(1000);
    const emptied = await ctx.store.changeStock(p.id, -3);
    assert.is(emptied?.stockQuantity, 0);
    assert.is(emptied?.updatedAt, "2025-12-15T02:00:01.000Z");
    assert.is((await ctx.store.changeStock(p.id, 12))?.stockQuantity, 12);
    const negative = await rejection(ctx.store.updateProduct(p.id, { stockQuantity: -1 }));
    assert.instance(negative, ValidationError);
  });

  test("stock never goes above 2147483647: a change past it is refused on delta and leaves the product as it was", async (ctx) => {
    const p = await ctx.store.createProduct(item(ctx.books, "STOCK-MAX", { stockQuantity: 0 }));
    assert.is((await ctx.store.changeStock(p.id, 2_147_483_647))?.stockQuantity, 2_147_483_647);
    const before = await ctx.store.getProduct(p.id);
    await ctx.clock.advance(1000);
    for (const delta of [2_147_483_647, 1]) {
      const err = await rejection(ctx.store.changeStock(p.id, delta));
      assert.instance(err, ValidationError, `delta ${delta}`);
      assert.is((err as ValidationError).field, "delta");
      assert.match(err.message, /delta must keep stockQuantity at most 2147483647; product \d+ has 2147483647 in stock, so delta can be at most 0/);
    }
    assert.equal(await ctx.store.getProduct(p.id), before, "neither stock nor updatedAt changed");
    const down = await ctx.store.changeStock(p.id, -7);
    const err = await rejection(ctx.store.changeStock(p.id, 8));
    assert.match(err.message, /has 2147483640 in stock, so delta can be at most 7; got 8/);
    assert.is((await ctx.store.changeStock(p.id, 7))?.stockQuantity, 2_147_483_647);
    assert.is(down?.stockQuantity, 2_147_483_640);
  });

  test("control characters are refused in names, SKUs and category names; descriptions may hold tab and line breaks", async (ctx) => {
    const cases: [Partial<NewProduct>, string][] = [
      [{ name: "Nul\u0000Name" }, "name"],
      [{ name: "Bell\u0007" }, "name"],
      [{ name: "Two\nlines" }, "name"],
      [{ name: "Tab\tbed" }, "name"],
      [{ name: "Del\u007f" }, "name"],
      [{ name: "C1\u0085" }, "name"],
      [{ sku: "SKU-\u0000" }, "sku"],
      [{ sku: "SKU-\n" }, "sku"],
      [{ description: "ends in NUL\u0000" }, "description"],
      [{ description: "escape \u001b[31m red" }, "description"],
    ];
    for (const [bad, field] of cases) {
      const err = await rejection(ctx.store.createProduct({ ...item(ctx.books, "CTL-1"), ...bad }));
      assert.instance(err, ValidationError, JSON.stringify(bad));
      assert.is((err as ValidationError).field, field, JSON.stringify(bad));
      assert.match(err.message, new RegExp(`^${field} must not contain control characters`), JSON.stringify(bad));
    }
    const nul = await rejection(ctx.store.createProduct({ ...item(ctx.books, "CTL-1"), name: "a\u0000b" }));
    assert.is(nul.message, "name must not contain control characters; got U+0000 at character 2");
    assert.is(await ctx.store.countProducts(), 0);

    const p = await ctx.store.createProduct(item(ctx.books, "CTL-2", { description: "Line one\r\n\tLine two\n" }));
    assert.is((await ctx.store.getProduct(p.id))?.description, "Line one\r\n\tLine two\n");
    for (const patch of [{ name: "x\u0000" }, { description: "x\u0000" }, { sku: "X\u0000" }]) {
      const err = await rejection(ctx.store.updateProduct(p.id, patch));
      assert.instance(err, ValidationError, JSON.stringify(patch));
    }
    const bulk = await rejection(ctx.store.insertProducts([item(ctx.books, "CTL-3"), item(ctx.books, "CTL-4", { name: "\u0000" })]));
    assert.instance(bulk, ValidationError);
    assert.equal(await ctx.store.getProduct(p.id), p);
    assert.is(await ctx.store.countProducts(), 1);

    for (const [bad, field] of [
      [{ name: "Nul\u0000" }, "name"],
      [{ name: "Two\nlines" }, "name"],
      [{ name: "Fine", description: "\u0000" }, "description"],
    ] as const) {
      const created = await rejection(ctx.store.createCategory(bad));
      assert.equal([created.name, (created as ValidationError).field], ["ValidationError", field], JSON.stringify(bad));
      const renamed = await rejection(ctx.store.updateCategory(ctx.games, bad));
      assert.equal([renamed.name, (renamed as ValidationError).field], ["ValidationError", field], JSON.stringify(bad));
    }
    const multiline = await ctx.store.createCategory({ name: "Garden", description: "Tools\nand plants" });
    assert.is(multiline.description, "Tools\nand plants");
    assert.equal((await ctx.store.listCategories()).map((c) => c.name), ["Books", "Games", "Garden"]);
  });

  test("stock changes on a missing or deleted product return null", async (ctx) => {
    const p = await ctx.store.createProduct(item(ctx.books, "GONE-1"));
    await ctx.store.deleteProduct(p.id);
    assert.is(await ctx.store.changeStock(p.id, 1), null);
    assert.is(await ctx.store.changeStock(p.id + 1000, 1), null);
    assert.is(await ctx.store.updateProduct(p.id, { name: "Back" }), null);
    assert.is(await ctx.store.deleteProduct(p.id), false);
  });

  test("an update changes only the fields given and stamps updatedAt; an empty one changes nothing", async (ctx) => {
    const p = await ctx.store.createProduct(item(ctx.books, "UPD-1", { description: "before" }));
    await ctx.clock.advance(5000);
    const same = await ctx.store.updateProduct(p.id, {});
    assert.equal(same, p);
    const moved = await ctx.store.updateProduct(p.id, { name: "Renamed", categoryId: ctx.games, isActive: false });
    assert.equal(moved, {
      ...p,
      name: "Renamed",
      categoryId: ctx.games,
      categoryName: "Games",
      isActive: false,
      updatedAt: "2025-12-15T02:00:05.000Z",
    });
  });

  test("lists filter by category, stock, price range and active flag", async (ctx) => {
    await ctx.store.insertProducts([
      item(ctx.books, "F-1", { priceCents: 500, stockQuantity: 0 }),
      item(ctx.books, "F-2", { priceCents: 1500, stockQuantity: 4 }),
      item(ctx.games, "F-3", { priceCents: 2500, stockQuantity: 0, isActive: false }),
      item(ctx.games, "F-4", { priceCents: 3500, stockQuantity: 9 }),
    ]);
    const skus = async (f: Omit<Parameters<CatalogStore["listProducts"]>[0], "limit">) => {
      const page = await ctx.store.listProducts({ ...f, limit: 50 });
      assert.is(page.total, page.items.length);
      return page.items.map((p) => p.sku);
    };
    assert.equal(await skus({}), ["F-1", "F-2", "F-3", "F-4"]);
    assert.equal(await skus({ categoryId: ctx.games }), ["F-3", "F-4"]);
    assert.equal(await skus({ inStock: true }), ["F-2", "F-4"]);
    assert.equal(await skus({ inStock: false }), ["F-1", "F-3"]);
    assert.equal(await skus({ minPriceCents: 1500, maxPriceCents: 2500 }), ["F-2", "F-3"]);
    assert.equal(await skus({ isActive: false }), ["F-3"]);
    assert.equal(await skus({ categoryId: ctx.books, inStock: true, maxPriceCents: 1500 }), ["F-2"]);
  });

  test("keyset pages walk a filtered list once, each product exactly once, and say when they end", async (ctx) => {
    await ctx.store.insertProducts(
      Array.from({ length: 50 }, (_, i) => item(i % 2 ? ctx.books : ctx.games, `PAGE-${i}`, { stockQuantity: i % 5 })),
    );
    const seen: string[] = [];
    let afterId: number | undefined;
    let pages = 0;
    for (;;) {
      const page = await ctx.store.listProducts({ categoryId: ctx.books, inStock: true, limit: 7, afterId });
      pages++;
      assert.is(page.total, 20); // 25 books, 5 of them out of stock
      seen.push(...page.items.map((p) => p.sku));
      if (page.nextCursor === null) break;
      afterId = page.nextCursor;
    }
    assert.is(pages, 3);
    assert.is(seen.length, 20);
    assert.is(new Set(seen).size, 20);
    const exact = await ctx.store.listProducts({ categoryId: ctx.books, inStock: true, limit: 20 });
    assert.is(exact.nextCursor, null, "a page that ends exactly at the last row has no next cursor");
  });

  test("a soft-deleted product vanishes from reads and shows up in changedSince with deletedAt", async (ctx) => {
    const p = await ctx.store.createProduct(item(ctx.books, "SOFT-1"));
    const keep = await ctx.store.createProduct(item(ctx.books, "SOFT-2"));
    await ctx.clock.advance(60_000);
    assert.ok(await ctx.store.deleteProduct(p.id));
    assert.is(await ctx.store.getProduct(p.id), null);
    assert.equal(ids((await ctx.store.listProducts({ limit: 10 })).items), [keep.id]);
    assert.is(await ctx.store.countProducts(), 1);
    const changes = await ctx.store.changedSince({ updatedAt: START, id: keep.id }, 10);
    assert.equal(ids(changes), [p.id]);
    assert.is(changes[0].deletedAt, "2025-12-15T02:01:00.000Z");
    assert.is(changes[0].updatedAt, "2025-12-15T02:01:00.000Z");
    assert.equal(await ctx.store.existingIds([p.id, keep.id, 99_999]), new Set([keep.id]));
  });

  test("changedSince resumes after its cursor in (updatedAt, id) order, even when many rows share a timestamp", async (ctx) => {
    await ctx.store.insertProducts(Array.from({ length: 30 }, (_, i) => item(ctx.books, `FEED-${i}`)));
    await ctx.clock.advance(1);
    const later = await ctx.store.createProduct(item(ctx.games, "FEED-LATE"));
    const touched = (await ctx.store.listProducts({ limit: 1 })).items[0];
    await ctx.clock.advance(1);
    await ctx.store.changeStock(touched.id, 1); // moves the first product to the end of the feed
    const seen: Product[] = [];
    let cursor = null;
    for (;;) {
      const batch = await ctx.store.changedSince(cursor, 7);
      if (batch.length === 0) break;
      seen.push(...batch);
      const last = batch[batch.length - 1];
      cursor = { updatedAt: last.updatedAt, id: last.id };
    }
    assert.is(seen.length, 31);
    assert.is(new Set(ids(seen)).size, 31);
    assert.equal(ids(seen.slice(-2)), [later.id, touched.id]);
    const order = seen.map((p) => `${p.updatedAt}/${String(p.id).padStart(6, "0")}`);
    assert.equal(order, [...order].sort());
  });

  test("purgeDeleted removes only products deleted before the cut-off", async (ctx) => {
    const old = await ctx.store.createProduct(item(ctx.books, "PURGE-1"));
    const recent = await ctx.store.createProduct(item(ctx.books, "PURGE-2"));
    const live = await ctx.store.createProduct(item(ctx.books, "PURGE-3"));
    await ctx.store.deleteProduct(old.id);
    await ctx.clock.advance(3_600_000);
    await ctx.store.deleteProduct(recent.id);
    assert.is(await ctx.store.purgeDeleted("2025-12-15T02:30:00.000Z"), 1);
    assert.equal(ids(await ctx.store.changedSince(null, 10)), [live.id, recent.id]);
    assert.is(await ctx.store.maxProductId(), live.id);
  });

  test("totals count live, active products per category, empty categories included", async (ctx) => {
    const empty = await ctx.store.createCategory({ name: "Empty" });
    await ctx.store.insertProducts([
      item(ctx.books, "T-1", { priceCents: 1000, stockQuantity: 0 }),
      item(ctx.books, "T-2", { priceCents: 250, stockQuantity: 4 }),
      item(ctx.books, "T-3", { priceCents: 100, stockQuantity: 10 }),
      item(ctx.books, "T-4", { priceCents: 100, stockQuantity: 11 }),
      item(ctx.games, "T-5", { priceCents: 5000, stockQuantity: 2, isActive: false }),
      item(ctx.games, "T-6", { priceCents: 99, stockQuantity: 100 }),
      item(ctx.games, "T-7", { priceCents: 99_999, stockQuantity: 1000 }),
    ]);
    const gone = (await ctx.store.listProducts({ limit: 50 })).items.find((p) => p.sku === "T-7")!;
    await ctx.store.deleteProduct(gone.id);
    const totals = await ctx.store.totals();
    assert.equal(totals, {
      totalProducts: 5,
      inStock: 4,
      outOfStock: 1,
      lowStock: 2,
      stockUnits: 125,
      totalValueCents: 1000 + 1000 + 1100 + 9900,
      byCategory: [
        { categoryId: ctx.books, categoryName: "Books", products: 4, inStock: 3, outOfStock: 1, lowStock: 2, stockUnits: 25, valueCents: 3100 },
        { categoryId: empty.id, categoryName: "Empty", products: 0, inStock: 0, outOfStock: 0, lowStock: 0, stockUnits: 0, valueCents: 0 },
        { categoryId: ctx.games, categoryName: "Games", products: 1, inStock: 1, outOfStock: 0, lowStock: 0, stockUnits: 100, valueCents: 9900 },
      ],
    });
  });

  test("stock alerts list live, active products at or below each threshold, lowest first", async (ctx) => {
    await ctx.store.insertProducts([
      item(ctx.books, "A-11", { stockQuantity: 11 }),
      item(ctx.books, "A-10", { stockQuantity: 10 }),
      item(ctx.games, "A-6", { stockQuantity: 6 }),
      item(ctx.books, "A-5", { stockQuantity: 5 }),
      item(ctx.games, "A-1", { stockQuantity: 1 }),
      item(ctx.books, "A-0", { stockQuantity: 0 }),
      item(ctx.books, "A-0-OFF", { stockQuantity: 0, isActive: false }),
      item(ctx.books, "A-0-GONE", { stockQuantity: 0 }),
    ]);
    const gone = (await ctx.store.listProducts({ limit: 50 })).items.find((p) => p.sku === "A-0-GONE")!;
    await ctx.store.deleteProduct(gone.id);
    const skus = async (threshold: number, limit = 50) =>
      (await ctx.store.stockAtOrBelow(threshold, limit)).map((r) => `${r.sku}:${r.stockQuantity}:${r.categoryName}`);
    assert.equal(await skus(0), ["A-0:0:Books"]);
    assert.equal(await skus(5), ["A-0:0:Books", "A-1:1:Games", "A-5:5:Books"]);
    assert.equal(await skus(10), ["A-0:0:Books", "A-1:1:Games", "A-5:5:Books", "A-6:6:Games", "A-10:10:Books"]);
    assert.equal(await skus(10, 2), ["A-0:0:Books", "A-1:1:Games"]);
  });

  test("popular products rank by popularity, ties newest first, skipping inactive and deleted ones", async (ctx) => {
    await ctx.store.insertProducts([
      item(ctx.books, "P-LOW", { popularity: 1 }),
      item(ctx.books, "P-TIE-A", { popularity: 50 }),
      item(ctx.games, "P-TIE-B", { popularity: 50 }),
      item(ctx.books, "P-TOP", { popularity: 900 }),
      item(ctx.books, "P-OFF", { popularity: 5000, isActive: false }),
      item(ctx.books, "P-GONE", { popularity: 9000 }),
    ]);
    const gone = (await ctx.store.listProducts({ limit: 50 })).items.find((p) => p.sku === "P-GONE")!;
    await ctx.store.deleteProduct(gone.id);
    const top = await ctx.store.popularProducts(3);
    assert.equal(top.map((p) => p.sku), ["P-TOP", "P-TIE-B", "P-TIE-A"]);
    assert.is(top[1].categoryName, "Games");
  });

  test("streams a few thousand products in batches, each live product once, in id order", async (ctx) => {
    const rows = Array.from({ length: 3_500 }, (_, i) => item(i % 3 ? ctx.books : ctx.games, `S-${i}`));
    for (let i = 0; i < rows.length; i += 1_000) await ctx.store.insertProducts(rows.slice(i, i + 1_000));
    const doomed = (await ctx.store.listProducts({ limit: 3 })).items;
    for (const p of doomed) await ctx.store.deleteProduct(p.id);
    const sizes: number[] = [];
    const seen: number[] = [];
    for await (const batch of ctx.store.streamProducts(1_000)) {
      sizes.push(batch.length);
      seen.push(...ids(batch));
    }
    assert.equal(sizes, [1_000, 1_000, 1_000, 497]);
    assert.equal(seen, [...seen].sort((a, b) => a - b));
    assert.is(new Set(seen).size, 3_497);
    assert.ok(!seen.includes(doomed[0].id));
    // A consumer that stops early leaves nothing running behind it.
    for await (const batch of ctx.store.streamProducts(100)) {
      assert.is(batch.length, 100);
      break;
    }
  });

  test("a bulk insert is all or nothing: a duplicate sku fails the whole batch, naming the sku", async (ctx) => {
    await ctx.store.createProduct(item(ctx.books, "BULK-9"));
    const batch = Array.from({ length: 20 }, (_, i) => item(ctx.books, `BULK-${i + 10}`));
    batch.push(item(ctx.games, "BULK-9"));
    const err = await rejection(ctx.store.insertProducts(batch));
    assert.instance(err, ConflictError);
    assert.match(err.message, /"BULK-9"/);
    assert.is(await ctx.store.countProducts(), 1);
    const inserted = await ctx.store.insertProducts(batch.slice(0, 20));
    assert.is(inserted, 20);
    const active = await ctx.store.listProducts({ isActive: true, limit: 50 });
    assert.is(active.total, 21, "bulk-inserted products are active unless said otherwise");
  });

  test("renaming a category re-stamps its live products, so the search sync re-indexes them", async (ctx) => {
    const book = await ctx.store.createProduct(item(ctx.books, "REN-1"));
    const game = await ctx.store.createProduct(item(ctx.games, "REN-2"));
    await ctx.clock.advance(1000);
    await ctx.store.updateCategory(ctx.books, { description: "Only the description" });
    assert.equal(await ctx.store.changedSince({ updatedAt: START, id: game.id }, 10), []);
    await ctx.clock.advance(1000);
    const renamed = await ctx.store.updateCategory(ctx.books, { name: "Printed Books" });
    assert.is(renamed?.name, "Printed Books");
    assert.is(renamed?.description, "Only the description");
    const changed = await ctx.store.changedSince({ updatedAt: START, id: game.id }, 10);
    assert.equal(changed.map((p) => [p.id, p.categoryName, p.updatedAt]), [[book.id, "Printed Books", "2025-12-15T02:00:02.000Z"]]);
    assert.is(await ctx.store.updateCategory(9_999, { name: "Nobody" }), null);
    const taken = await rejection(ctx.store.updateCategory(ctx.games, { name: "Printed Books" }));
    assert.instance(taken, ConflictError);
  });

  test("a category with live products cannot be deleted; once emptied it goes, with its deleted products", async (ctx) => {
    const p = await ctx.store.createProduct(item(ctx.books, "CAT-1"));
    const err = await rejection(ctx.store.deleteCategory(ctx.books));
    assert.instance(err, ConflictError);
    assert.match(err.message, /1 live product/);
    await ctx.store.deleteProduct(p.id);
    assert.ok(await ctx.store.deleteCategory(ctx.books));
    assert.is(await ctx.store.getCategory(ctx.books), null);
    assert.is(await ctx.store.deleteCategory(ctx.books), false);
    assert.equal(await ctx.store.changedSince(null, 10), []);
  });

  test("the sample catalog is seeded once: 150 products over ten categories, every stock alert represented", async (ctx) => {
    await ctx.store.deleteCategory(ctx.books);
    await ctx.store.deleteCategory(ctx.games);
    const seeded = await seedIfEmpty(ctx.store);
    assert.is(seeded, 150);
    assert.is(await seedIfEmpty(ctx.store), 0, "a second start seeds nothing");
    const categories = await ctx.store.listCategories();
    assert.equal(categories.map((c) => c.name).sort(), SAMPLE_CATEGORIES.map((c) => c.name).sort());
    const totals = await ctx.store.totals();
    assert.is(totals.totalProducts, 150);
    assert.ok(totals.outOfStock > 0, "some products are out of stock");
    const critical = await ctx.store.stockAtOrBelow(5, 500);
    assert.ok(critical.some((r) => r.stockQuantity > 0), "some products are critical (1–5)");
    const low = await ctx.store.stockAtOrBelow(10, 500);
    assert.ok(low.some((r) => r.stockQuantity > 5), "some products are low (6–10)");
    // The stored catalog is exactly what the generator yields for these categories.
    const idsByName = new Map(categories.map((c) => [c.name, c.id]));
    const expected = [...generateProducts(150, 0, SAMPLE_CATEGORIES.map((c) => idsByName.get(c.name)!))];
    const stored: Product[] = [];
    for await (const batch of ctx.store.streamProducts(64)) stored.push(...batch);
    assert.equal(
      stored.map((p) => [p.sku, p.name, p.categoryId, p.priceCents, p.stockQuantity, p.popularity]),
      expected.map((p) => [p.sku, p.name, p.categoryId, p.priceCents, p.stockQuantity, p.popularity]),
    );
  });

  test("migrating again and pinging are harmless", async (ctx) => {
    await ctx.store.migrate();
    await ctx.store.ping();
    assert.equal((await ctx.store.listCategories()).length, 2);
  });

  test.run();
}
