// /api/categories through app.request(): CRUD, validation naming the field, conflicts.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { type CatalogApp, catalogApp } from "../helpers/catalog-app.ts";

const test = suite<{ c: CatalogApp }>("categories API");
test.before.each(async (ctx) => {
  ctx.c = await catalogApp();
});
test.after.each(async ({ c }) => c.close());

test("categories are created, listed by name, read, renamed and deleted", async ({ c }) => {
  const garden = await c.request("POST", "/api/categories", { name: "Garden", description: "Outdoor living" });
  assert.is(garden.status, 201);
  assert.is(garden.headers.get("location"), `/api/categories/${garden.json.id}`);
  assert.equal([garden.json.name, garden.json.description], ["Garden", "Outdoor living"]);
  await c.request("POST", "/api/categories", { name: "Books" });

  const list = await c.request("GET", "/api/categories");
  assert.is(list.status, 200);
  assert.equal(list.json.items.map((x: { name: string }) => x.name), ["Books", "Garden"]);
  assert.is(list.json.total, 2);

  assert.equal((await c.request("GET", `/api/categories/${garden.json.id}`)).json.name, "Garden");
  const renamed = await c.request("PUT", `/api/categories/${garden.json.id}`, { name: "Garden & Patio" });
  assert.equal([renamed.status, renamed.json.name, renamed.json.description], [200, "Garden & Patio", "Outdoor living"]);

  assert.is((await c.request("DELETE", `/api/categories/${garden.json.id}`)).status, 204);
  assert.is((await c.request("GET", `/api/categories/${garden.json.id}`)).status, 404);
  assert.is((await c.request("DELETE", `/api/categories/${garden.json.id}`)).status, 404);
});

test("a write that is not valid is refused with 400 naming the field", async ({ c }) => {
  const cases: [unknown, string][] = [
    [{}, "name"],
    [{ name: "" }, "name"],
    [{ name: 42 }, "name"],
    [{ name: "x".repeat(101) }, "name"],
    [{ name: "Ok", colour: "red" }, "colour"],
    [{ name: "Nul\u0000" }, "name"],
    [{ name: "Two\nlines" }, "name"],
  ];
  for (const [body, field] of cases) {
    const res = await c.request("POST", "/api/categories", body);
    assert.is(res.status, 400, JSON.stringify(body));
    assert.is(res.json.error.code, "validation_error");
    assert.is(res.json.error.field, field, JSON.stringify(res.json));
  }
  const garden = (await c.request("POST", "/api/categories", { name: "Garden" })).json;
  const unknown = await c.request("PUT", `/api/categories/${garden.id}`, { name: "Patio", colour: "green" });
  assert.equal(
    [unknown.status, unknown.json.error.field, unknown.json.error.message],
    [400, "colour", "colour is not a field of a category; expected name or description"],
  );
  assert.is((await c.request("GET", `/api/categories/${garden.id}`)).json.name, "Garden");
  const bad = await c.request("GET", "/api/categories/abc");
  assert.equal([bad.status, bad.json.error.field], [400, "id"]);
  const notJson = await c.request("POST", "/api/categories", "{not json");
  assert.is(notJson.status, 400);
});

test("a taken name and a category still in use are conflicts", async ({ c }) => {
  const books = (await c.request("POST", "/api/categories", { name: "Books" })).json;
  const dup = await c.request("POST", "/api/categories", { name: "Books" });
  assert.equal([dup.status, dup.json.error.code], [409, "conflict"]);
  await c.request("POST", "/api/products", { sku: "BK-1", name: "Novel", categoryId: books.id, price: 9.99, stockQuantity: 1 });
  const used = await c.request("DELETE", `/api/categories/${books.id}`);
  assert.equal([used.status, used.json.error.code], [409, "conflict"]);
});

test("writes from another machine are refused when no users are configured", async () => {
  const remote = await catalogApp({ remote: "203.0.113.9" });
  try {
    assert.is((await remote.request("POST", "/api/categories", { name: "Books" })).status, 403);
    assert.is((await remote.request("GET", "/api/categories")).status, 200);
  } finally {
    await remote.close();
  }
});

test.run();
