// /api/products through app.request(): list with filters and keyset pages, search through the
// index, get, create, update, stock change, delete — every write validated with the field named,
// every change published as a product event, prices exact decimals.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { EventBus, ProductEvent } from "../../src/adapters/bus/event-bus.ts";
import { DependencyUnavailableError } from "../../src/errors.ts";
import { type CatalogApp, catalogApp } from "../helpers/catalog-app.ts";

interface Ctx {
  c: CatalogApp;
  cat: { books: number; tools: number };
}

const test = suite<Ctx>("products API");
test.before.each(async (ctx) => {
  ctx.c = await catalogApp();
  const books = await ctx.c.catalog.createCategory({ name: "Books" });
  const tools = await ctx.c.catalog.createCategory({ name: "Tools" });
  ctx.cat = { books: books.id, tools: tools.id };
});
test.after.each(async ({ c }) => c.close());

const product = (over: Record<string, unknown> = {}) => ({ sku: "BK-1", name: "Quiet Novel", categoryId: 1, price: 19.99, stockQuantity: 5, ...over });

async function fill(c: CatalogApp, cat: Ctx["cat"]) {
  const rows = [
    { sku: "BK-1", name: "Quiet Novel", categoryId: cat.books, priceCents: 1999, stockQuantity: 5 },
    { sku: "BK-2", name: "World Atlas", categoryId: cat.books, priceCents: 4550, stockQuantity: 0 },
    { sku: "BK-3", name: "Cookbook", categoryId: cat.books, priceCents: 2500, stockQuantity: 12 },
    { sku: "TL-1", name: "Cordless Drill", categoryId: cat.tools, priceCents: 12999, stockQuantity: 3 },
    { sku: "TL-2", name: "Hand Saw", categoryId: cat.tools, priceCents: 1000, stockQuantity: 0 },
  ];
  await c.catalog.insertProducts(rows);
}

test("a product is created with an exact decimal price, read back, and announced as product.created", async ({ c, cat }) => {
  const res = await c.request("POST", "/api/products", product({ categoryId: cat.books, price: 1234567.89, description: "Hardback" }));
  assert.is(res.status, 201);
  const id = res.json.id;
  assert.is(res.headers.get("location"), `/api/products/${id}`);
  assert.equal(
    { sku: res.json.sku, price: res.json.price, categoryName: res.json.categoryName, stockQuantity: res.json.stockQuantity, isActive: res.json.isActive },
    { sku: "BK-1", price: 1234567.89, categoryName: "Books", stockQuantity: 5, isActive: true },
  );
  assert.is((await c.catalog.getProduct(id))!.priceCents, 123456789, "stored as integer cents");
  assert.equal((await c.request("GET", `/api/products/${id}`)).json, res.json);
  const [event] = (await c.eventsAfter(1)) as ProductEvent[];
  assert.equal([event.type, event.productId, event.sku, event.stockQuantity], ["product.created", id, "BK-1", 5]);
  assert.ok(!Number.isNaN(Date.parse(event.at)));
});

test("every write that is not valid is refused with 400 naming the field, and nothing is published", async ({ c, cat }) => {
  const cases: [unknown, string][] = [
    [product({ categoryId: cat.books, sku: undefined }), "sku"],
    [product({ categoryId: cat.books, sku: "has spaces" }), "sku"],
    [product({ categoryId: cat.books, name: "" }), "name"],
    [product({ categoryId: cat.books, price: 19.999 }), "price"],
    [product({ categoryId: cat.books, price: -1 }), "price"],
    [product({ categoryId: cat.books, price: "19.99" }), "price"],
    [product({ categoryId: cat.books, stockQuantity: -2 }), "stockQuantity"],
    [product({ categoryId: cat.books, stockQuantity: 1.5 }), "stockQuantity"],
    [product({ categoryId: 999 }), "categoryId"],
    [product({ categoryId: cat.books, priceCents: 1999 }), "priceCents"],
    [product({ categoryId: cat.books, name: "Nul\u0000" }), "name"],
    [product({ categoryId: cat.books, stockQuantity: 1e20 }), "stockQuantity"],
  ];
  for (const [body, field] of cases) {
    const res = await c.request("POST", "/api/products", body);
    assert.is(res.status, 400, `${JSON.stringify(body)} → ${JSON.stringify(res.json)}`);
    assert.equal([res.json.error.code, res.json.error.field], ["validation_error", field], JSON.stringify(res.json));
  }
  const created = (await c.request("POST", "/api/products", product({ categoryId: cat.books }))).json;
  await c.eventsAfter(1);
  for (const [path, body, field] of [
    [`/api/products/${created.id}`, { price: 0.001 }, "price"],
    [`/api/products/${created.id}`, { stockQuantity: "lots" }, "stockQuantity"],
    [`/api/products/${created.id}/stock`, { delta: 0.5 }, "delta"],
    [`/api/products/${created.id}/stock`, {}, "delta"],
    ["/api/products/abc/stock", { delta: 1 }, "id"],
  ] as const) {
    const res = await c.request(path.endsWith("stock") ? "POST" : "PUT", path, body);
    assert.equal([res.status, res.json.error.field], [400, field], `${path} ${JSON.stringify(body)} → ${JSON.stringify(res.json)}`);
  }
  assert.is(c.events.length, 1, "only the valid create was published");
});

test("numbers past the stores' 32-bit range are refused with the real limit, not zod's 2^53", async ({ c, cat }) => {
  const created = (await c.request("POST", "/api/products", product({ categoryId: cat.books }))).json;
  for (const [method, path, body, field, message] of [
    ["POST", "/api/products", product({ categoryId: cat.books, sku: "BK-2", stockQuantity: 1e20 }), "stockQuantity", "stockQuantity must be a whole number from 0 to 2147483647; got 100000000000000000000"],
    ["POST", "/api/products", product({ categoryId: 2_147_483_648, sku: "BK-2" }), "categoryId", "categoryId must be a whole number from 1 to 2147483647; got 2147483648"],
    ["PUT", `/api/products/${created.id}`, { popularity: 2_147_483_648 }, "popularity", "popularity must be a whole number from 0 to 2147483647; got 2147483648"],
    ["POST", `/api/products/${created.id}/stock`, { delta: 1e300 }, "delta", "delta must be a whole number from -2147483647 to 2147483647; got 1e+300"],
    ["POST", `/api/products/${created.id}/stock`, { delta: "3" }, "delta", "delta must be a whole number from -2147483647 to 2147483647; got \"3\""],
  ] as const) {
    const res = await c.request(method, path, body);
    assert.equal([res.status, res.json.error.field, res.json.error.message], [400, field, message], JSON.stringify(body));
  }
});

test("a stock change that would pass 2147483647 is a 400 on delta saying how much fits, and changes nothing", async ({ c, cat }) => {
  const created = (await c.request("POST", "/api/products", product({ categoryId: cat.books, stockQuantity: 0 }))).json;
  assert.is((await c.request("POST", `/api/products/${created.id}/stock`, { delta: 2_147_483_647 })).json.stockQuantity, 2_147_483_647);
  const res = await c.request("POST", `/api/products/${created.id}/stock`, { delta: 2_147_483_647 });
  assert.equal([res.status, res.json.error.code, res.json.error.field], [400, "validation_error", "delta"]);
  assert.match(res.json.error.message, /so delta can be at most 0; got 2147483647/);
  assert.is((await c.catalog.getProduct(created.id))!.stockQuantity, 2_147_483_647);
});

test("a key the body does not take is refused naming that key and the keys it does take", async ({ c, cat }) => {
  const created = (await c.request("POST", "/api/products", product({ categoryId: cat.books }))).json;
  const productKeys = "expected sku, name, description, categoryId, price, stockQuantity, isActive or popularity";
  for (const [method, path, body, field, message] of [
    ["POST", "/api/products", product({ categoryId: cat.books, sku: "BK-2", extra: 1 }), "extra", `extra is not a field of a product; ${productKeys}`],
    ["PUT", `/api/products/${created.id}`, { price: 1, colour: "red" }, "colour", `colour is not a field of a product; ${productKeys}`],
    ["POST", `/api/products/${created.id}/stock`, { delta: 1, reason: "count" }, "reason", "reason is not a field of a stock change; expected delta"],
    ["POST", "/api/products", null, "body", "body must be a JSON object (a product); got null"],
    ["POST", "/api/products", [], "body", "body must be a JSON object (a product); got an array"],
  ] as const) {
    const res = await c.request(method, path, body);
    assert.equal([res.status, res.json.error.field, res.json.error.message], [400, field, message], JSON.stringify(body));
  }
  assert.is((await c.catalog.getProduct(created.id))!.priceCents, 1999, "nothing changed");
});

test("a query parameter given twice is refused: it must be given once", async ({ c }) => {
  for (const [path, field, values] of [
    ["/api/products?categoryId=1&categoryId=2", "categoryId", '["1","2"]'],
    ["/api/products?cursor=1&limit=5&cursor=1", "cursor", '["1","1"]'],
    ["/api/products?limit=1&limit=2", "limit", '["1","2"]'],
    ["/api/products/search?q=drill&q=saw", "q", '["drill","saw"]'],
    ["/api/products/search?q=drill&limit=1&limit=2", "limit", '["1","2"]'],
  ]) {
    const res = await c.request("GET", path);
    assert.equal(
      [res.status, res.json.error.field, res.json.error.message],
      [400, field, `${field} must be given once; got 2 values: ${values}`],
      path,
    );
  }
});

test("a SKU in use is a conflict", async ({ c, cat }) => {
  await c.request("POST", "/api/products", product({ categoryId: cat.books }));
  const dup = await c.request("POST", "/api/products", product({ categoryId: cat.tools, name: "Other" }));
  assert.equal([dup.status, dup.json.error.code], [409, "conflict"]);
  assert.match(dup.json.error.message, "BK-1");
});

test("an update changes only the fields given and is announced as product.updated", async ({ c, cat }) => {
  const created = (await c.request("POST", "/api/products", product({ categoryId: cat.books }))).json;
  const res = await c.request("PUT", `/api/products/${created.id}`, { price: 17.49, name: "Quiet Novel (2nd ed.)" });
  assert.equal([res.status, res.json.price, res.json.name, res.json.stockQuantity, res.json.sku], [200, 17.49, "Quiet Novel (2nd ed.)", 5, "BK-1"]);
  const events = (await c.eventsAfter(2)) as ProductEvent[];
  assert.equal(events.map((e) => e.type), ["product.created", "product.updated"]);
  assert.is((await c.request("PUT", "/api/products/9999", { price: 1 })).status, 404);
});

test("a stock change applies the delta, refuses to go below zero, and reports the stock before and after", async ({ c, cat }) => {
  const created = (await c.request("POST", "/api/products", product({ categoryId: cat.books, stockQuantity: 5 }))).json;
  const down = await c.request("POST", `/api/products/${created.id}/stock`, { delta: -3 });
  assert.equal([down.status, down.json.stockQuantity], [200, 2]);
  const up = await c.request("POST", `/api/products/${created.id}/stock`, { delta: 10 });
  assert.is(up.json.stockQuantity, 12);
  const tooMany = await c.request("POST", `/api/products/${created.id}/stock`, { delta: -13 });
  assert.equal([tooMany.status, tooMany.json.error.code], [409, "conflict"]);
  assert.is((await c.request("POST", "/api/products/9999/stock", { delta: 1 })).status, 404);
  const events = (await c.eventsAfter(3)) as ProductEvent[];
  assert.equal(
    events.filter((e) => e.type === "product.stock_changed").map((e) => [e.previousStock, e.stockQuantity]),
    [
      [5, 2],
      [2, 12],
    ],
  );
});

test("a deleted product is gone from reads and announced as product.deleted", async ({ c, cat }) => {
  const created = (await c.request("POST", "/api/products", product({ categoryId: cat.books }))).json;
  assert.is((await c.request("DELETE", `/api/products/${created.id}`)).status, 204);
  assert.is((await c.request("GET", `/api/products/${created.id}`)).status, 404);
  assert.is((await c.request("DELETE", `/api/products/${created.id}`)).status, 404);
  const events = (await c.eventsAfter(2)) as ProductEvent[];
  assert.equal(events.map((e) => [e.type, e.productId, e.sku]), [
    ["product.created", created.id, "BK-1"],
    ["product.deleted", created.id, "BK-1"],
  ]);
  // The SKU is free again.
  assert.is((await c.request("POST", "/api/products", product({ categoryId: cat.books }))).status, 201);
});

test("the list pages through every product by keyset, with filters", async ({ c, cat }) => {
  await fill(c, cat);
  const seen: string[] = [];
  let cursor: number | null = null;
  let pages = 0;
  do {
    const res = await c.request("GET", `/api/products?limit=2${cursor === null ? "" : `&cursor=${cursor}`}`);
    assert.is(res.status, 200);
    assert.is(res.json.total, 5);
    assert.is(res.json.limit, 2);
    seen.push(...res.json.items.map((p: { sku: string }) => p.sku));
    cursor = res.json.nextCursor;
    pages++;
  } while (cursor !== null);
  assert.equal(seen, ["BK-1", "BK-2", "BK-3", "TL-1", "TL-2"]);
  assert.is(pages, 3);

  const skus = async (q: string) => (await c.request("GET", `/api/products?${q}`)).json.items.map((p: { sku: string }) => p.sku);
  assert.equal(await skus(`categoryId=${cat.tools}`), ["TL-1", "TL-2"]);
  assert.equal(await skus("inStock=true"), ["BK-1", "BK-3", "TL-1"]);
  assert.equal(await skus("inStock=false"), ["BK-2", "TL-2"]);
  assert.equal(await skus("minPrice=19.99&maxPrice=45.50"), ["BK-1", "BK-2", "BK-3"]);
  assert.equal(await skus(`minPrice=20&categoryId=${cat.books}&inStock=true`), ["BK-3"]);
  const one = (await c.request("GET", "/api/products?inStock=false&limit=1")).json;
  assert.equal([one.items[0].price, one.total, one.nextCursor], [45.5, 2, one.items[0].id]);
});

test("list parameters that are not valid are refused with 400 naming the parameter", async ({ c }) => {
  for (const [q, field] of [
    ["categoryId=abc", "categoryId"],
    ["inStock=maybe", "inStock"],
    ["minPrice=1.999", "minPrice"],
    ["maxPrice=-1", "maxPrice"],
    ["minPrice=30&maxPrice=10", "minPrice"],
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["cursor=x", "cursor"],
  ]) {
    const res = await c.request("GET", `/api/products?${q}`);
    assert.equal([res.status, res.json.error.field], [400, field], `${q} → ${JSON.stringify(res.json)}`);
  }
  assert.equal((await c.request("GET", "/api/products/12abc")).json.error.field, "id");
});

test("search goes through the search index and shows prices as decimals", async ({ c, cat }) => {
  await fill(c, cat);
  for await (const batch of c.catalog.streamProducts(100)) await c.search.upsert(batch);
  const res = await c.request("GET", "/api/products/search?q=cordless%20dri");
  assert.is(res.status, 200);
  assert.equal([res.json.query, res.json.total], ["cordless dri", 1]);
  assert.equal(
    res.json.items.map((h: { sku: string; price: number; categoryName: string }) => [h.sku, h.price, h.categoryName]),
    [["TL-1", 129.99, "Tools"]],
  );
  assert.ok(!("priceCents" in res.json.items[0]));
  const paged = await c.request("GET", "/api/products/search?q=bk&limit=1&offset=1");
  assert.equal([paged.json.limit, paged.json.offset], [1, 1]);
  for (const [q, field] of [
    ["", "q"],
    ["q=%20%20", "q"],
    ["q=x&limit=101", "limit"],
    [`q=${"a".repeat(300)}`, "q"],
  ]) {
    const bad = await c.request("GET", `/api/products/search?${q}`);
    assert.equal([bad.status, bad.json.error.field], [400, field], q);
  }
});

test("a change is kept when the bus is down: the failed event is logged for the next sync to repair", async () => {
  const downBus: EventBus = {
    kind: "rabbitmq",
    publish: async () => {
      throw new DependencyUnavailableError("bus", "RabbitMQ at 127.0.0.1:5672 is unreachable");
    },
    subscribe: async () => ({ close: async () => {} }),
    ping: async () => {
      throw new DependencyUnavailableError("bus", "down");
    },
    close: async () => {},
  };
  const c = await catalogApp({ bus: downBus });
  try {
    const cat = await c.catalog.createCategory({ name: "Books" });
    const res = await c.request("POST", "/api/products", product({ categoryId: cat.id }));
    assert.is(res.status, 201);
    assert.ok(await c.catalog.getProduct(res.json.id));
    const warning = c.logs.records.find((r) => r.level === "warn" && r.message.includes("product.created event could not be published"));
    assert.ok(warning, "the lost event is logged");
  } finally {
    await c.close();
  }
});

test.run();
