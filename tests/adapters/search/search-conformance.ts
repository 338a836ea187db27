// One suite every SearchIndex implementation must pass. Reads follow a refresh(), so the suite
// holds for a real Elasticsearch (near-real-time) as much as for FTS5 (visible on commit).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { SearchIndex } from "../../../src/adapters/search/search-index.ts";
import { product } from "./sample-products.ts";

export interface SearchHarness {
  /** A fresh index that does not exist yet (no tables / no index). */
  open(): Promise<SearchIndex>;
  teardown?(): Promise<void>;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  assert.unreachable("expected the call to reject, and it resolved");
  throw new Error("unreachable");
}

const catalog = [
  product(1, {
    sku: "WM-100",
    name: "Wireless Mouse",
    description: "Ergonomic mouse with a silent click",
    categoryName: "Electronics",
    priceCents: 2499,
    stockQuantity: 42,
  }),
  product(2, {
    sku: "KB-200",
    name: "Mechanical Keyboard",
    description: "A wireless keyboard with tactile switches",
    categoryName: "Electronics",
  }),
  product(3, { sku: "DL-300", name: "Desk Lamp", description: "Warm light", categoryName: "Home" }),
  product(4, { sku: "BK-400", name: "Reading Guide", description: "Which lamp to read by", categoryName: "Books" }),
  product(5, { sku: "CB-500", name: "Crème Brûlée Set", description: "Ramekins and a torch", categoryName: "Kitchen" }),
  product(6, { sku: "SKU-00042", name: "Answer Box", categoryName: "Toys" }),
  product(7, { sku: "SKU-000420", name: "Answer Box Deluxe", categoryName: "Toys" }),
];

export function searchConformance(name: string, harness: SearchHarness): void {
  const test = suite<{ index: SearchIndex }>(`${name} search index conformance`);
  test.before.each(async (ctx) => {
    ctx.index = await harness.open();
  });
  test.after.each(async (ctx) => {
    await ctx.index.close();
  });
  test.after(async () => {
    await harness.teardown?.();
  });

  const load = async (index: SearchIndex) => {
    await index.upsert(catalog);
    await index.refresh();
  };
  const ids = async (index: SearchIndex, q: string) => (await index.search(q, { limit: 50, offset: 0 })).hits.map((h) => h.id);

  test("a fresh index does not exist and finds nothing; ensure creates it empty", async ({ index }) => {
    assert.is(await index.exists(), false);
    assert.equal(await index.search("mouse", { limit: 10, offset: 0 }), { total: 0, hits: [] });
    assert.is(await index.count(), 0);
    assert.equal(await index.ids(0, 10), []);
    await index.ensure();
    await index.ensure();
    assert.is(await index.exists(), true);
    assert.is(await index.count(), 0);
  });

  test("upsert creates the index when it is missing", async ({ index }) => {
    await load(index);
    assert.is(await index.exists(), true);
    assert.is(await index.count(), catalog.length);
  });

  test("a product is found by a word of its name, its description, its SKU or its category", async ({ index }) => {
    await load(index);
    assert.equal(await ids(index, "mouse"), [1]);
    assert.equal(await ids(index, "silent"), [1]);
    assert.equal(await ids(index, "WM-100"), [1]);
    assert.equal(await ids(index, "kitchen"), [5]);
  });

  test("the last word matches the start of a longer word", async ({ index }) => {
    await load(index);
    assert.equal(await ids(index, "wireless mou"), [1]);
    assert.equal(await ids(index, "Mechan"), [2]);
  });

  test("every word of the query has to match", async ({ index }) => {
    await load(index);
    assert.equal(await ids(index, "wireless keyboard"), [2], "only the keyboard has both words");
    assert.equal(await ids(index, "wireless lamp"), []);
  });

  test("case and accents do not matter", async ({ index }) => {
    await load(index);
    assert.equal(await ids(index, "creme brulee"), [5]);
    assert.equal(await ids(index, "WIRELESS MOUSE"), [1]);
  });

  test("an exact SKU ranks its product first, in any case", async ({ index }) => {
    await load(index);
    assert.is((await ids(index, "SKU-00042"))[0], 6);
    assert.is((await ids(index, "sku-000420"))[0], 7);
  });

  test("a match in the name ranks above a match only in the description", async ({ index }) => {
    await load(index);
    assert.equal(await ids(index, "lamp"), [3, 4]);
  });

  test("hits carry the product's fields and a positive score", async ({ index }) => {
    await load(index);
    const { total, hits } = await index.search("wireless mouse", { limit: 10, offset: 0 });
    assert.is(total, 1);
    const { score, ...fields } = hits[0];
    assert.equal(fields, {
      id: 1,
      sku: "WM-100",
      name: "Wireless Mouse",
      description: "Ergonomic mouse with a silent click",
      categoryName: "Electronics",
      priceCents: 2499,
      stockQuantity: 42,
    });
    assert.ok(score > 0, `score ${score}`);
  });

  test("upserting a product again replaces its document", async ({ index }) => {
    await load(index);
    await index.upsert([{ ...catalog[0], name: "Trackball", stockQuantity: 7 }]);
    await index.refresh();
    assert.equal(await ids(index, "wireless mouse"), []);
    const { hits } = await index.search("trackball", { limit: 10, offset: 0 });
    assert.equal(
      hits.map((h) => [h.id, h.stockQuantity]),
      [[1, 7]],
    );
    assert.is(await index.count(), catalog.length);
  });

  test("upserting a product that was deleted removes its document", async ({ index }) => {
    await load(index);
    await index.upsert([{ ...catalog[0], deletedAt: "2025-12-02T00:00:00.000Z" }]);
    await index.refresh();
    assert.equal(await ids(index, "mouse"), []);
    assert.is(await index.count(), catalog.length - 1);
  });

  test("remove deletes documents and ignores ids that are not there", async ({ index }) => {
    await load(index);
    await index.remove([1, 3, 999]);
    await index.remove([]);
    await index.refresh();
    assert.equal(await ids(index, "mouse"), []);
    assert.equal(await ids(index, "lamp"), [4]);
    assert.is(await index.count(), catalog.length - 2);
  });

  test("limit and offset page through the hits while total counts them all", async ({ index }) => {
    await index.upsert(Array.from({ length: 25 }, (_, i) => product(100 + i, { name: `Widget ${i}` })));
    await index.refresh();
    const pages = [];
    for (const offset of [0, 10, 20]) pages.push(await index.search("widget", { limit: 10, offset }));
    assert.equal(
      pages.map((p) => [p.total, p.hits.length]),
      [
        [25, 10],
        [25, 10],
        [25, 5],
      ],
    );
    assert.is(new Set(pages.flatMap((p) => p.hits.map((h) => h.id))).size, 25);
    assert.equal(await index.search("widget", { limit: 0, offset: 0 }), { total: 25, hits: [] });
  });

  test("query text full of search syntax is searched as plain words, never an error", async ({ index }) => {
    await load(index);
    for (const q of ['"mouse"', "mouse)", "(mouse", "mouse*", "+mouse", "-mouse", "mouse:", "{mouse}", "mouse~", "[mouse]", "mouse\\"]) {
      assert.equal(await ids(index, q), [1], `query ${JSON.stringify(q)}`);
    }
    const hostile = [
      '"',
      '""',
      "'",
      "(",
      ")",
      "*",
      "AND",
      "OR",
      "NOT",
      "NEAR(",
      "mouse AND",
      "mouse OR OR",
      "NOT mouse",
      'name:"x" OR (',
      "^",
      "mouse^2",
      "sku:*",
      "{name}: x",
      "\u0000",
      "\u0301",
      "a\u0301",
      "🙂",
      "x".repeat(5000),
      Array.from({ length: 100 }, (_, i) => `w${i}`).join(" "),
    ];
    for (const q of hostile) {
      const result = await index.search(q, { limit: 5, offset: 0 });
      assert.ok(Array.isArray(result.hits), `query ${JSON.stringify(q).slice(0, 40)}`);
    }
  });

  test("a query without any word finds nothing", async ({ index }) => {
    await load(index);
    for (const q of ["", "   ", "!!!", "*", "--", '" "']) {
      assert.equal(await index.search(q, { limit: 10, offset: 0 }), { total: 0, hits: [] }, `query ${JSON.stringify(q)}`);
    }
  });

  test("ids pages through document ids in ascending order", async ({ index }) => {
    await load(index);
    assert.equal(await index.ids(0, 3), [1, 2, 3]);
    assert.equal(await index.ids(3, 3), [4, 5, 6]);
    assert.equal(await index.ids(6, 3), [7]);
    assert.equal(await index.ids(7, 3), []);
  });

  test("recreate empties the index and leaves it ready for writes", async ({ index }) => {
    await load(index);
    await index.recreate();
    assert.is(await index.exists(), true);
    assert.is(await index.count(), 0);
    await index.upsert([catalog[0]]);
    await index.refresh();
    assert.equal(await ids(index, "mouse"), [1]);
  });

  test("rebuild replaces every document with the given batches and reports progress", async ({ index }) => {
    await load(index);
    const progress: number[] = [];
    async function* batches() {
      yield [product(10, { name: "Fresh Kettle" }), product(11, { name: "Fresh Toaster" })];
      yield [product(12, { name: "Fresh Blender", deletedAt: "2025-12-02T00:00:00.000Z" })];
      yield [product(13, { name: "Fresh Grinder" })];
    }
    const written = await index.rebuild(batches(), (n) => progress.push(n));
    assert.is(written, 3);
    assert.equal(progress, [2, 2, 3]);
    assert.is(await index.exists(), true);
    assert.is(await index.count(), 3);
    assert.equal(await ids(index, "mouse"), []);
    assert.equal((await ids(index, "fresh")).sort(), [10, 11, 13]);
    await index.upsert([catalog[0]]);
    await index.refresh();
    assert.equal(await ids(index, "mouse"), [1], "live upserts work after a rebuild");
  });

  test("a rebuild from no batches leaves an existing, empty index", async ({ index }) => {
    assert.is(await index.rebuild([]), 0);
    assert.is(await index.exists(), true);
    assert.is(await index.count(), 0);
  });

  test("page requests outside the limits are refused", async ({ index }) => {
    for (const page of [
      { limit: -1, offset: 0 },
      { limit: 1001, offset: 0 },
      { limit: 1.5, offset: 0 },
      { limit: 10, offset: -1 },
      { limit: 10, offset: 9995 },
    ]) {
      assert.instance(await rejection(index.search("mouse", page)), RangeError, JSON.stringify(page));
    }
  });

  test("ping resolves while the index is reachable", async ({ index }) => {
    await index.ping();
  });

  test.run();
}
