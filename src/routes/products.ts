// /api/products: list (filters, keyset pagination), search, get, create, update, stock change,
// delete. Every change is published as a product event after it is committed; a bus that is down
// does not undo or fail the change (it is logged, and the next search sync picks the change up).
import type { AppDeps } from "../app.ts";
import type { ProductEvent, ProductEventType } from "../adapters/bus/event-bus.ts";
import type { NewProduct, Product, ProductPatch } from "../adapters/catalog/catalog-store.ts";
import { MAX_INT32 } from "../adapters/catalog/product-input.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { centsToDecimal, decimalToCents } from "../money.ts";
import { productJson } from "../product-json.ts";
import {
  IdParams,
  idParam,
  NewProductSchema,
  optionalBool,
  optionalInt,
  optionalPrice,
  positiveInt,
  ProductPageSchema,
  ProductPatchSchema,
  ProductSchema,
  SearchResultSchema,
  StockChangeSchema,
} from "./catalog-schemas.ts";
import { adminSecurity, commonErrors, createRoute, createRouter, guardedErrors, notFoundError, z } from "./openapi.ts";

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;
export const MAX_SEARCH_RESULTS = 100;
const MAX_QUERY_CHARS = 256;

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });
const conflict = (description: string) => ({
  description,
  content: { "application/json": { schema: commonErrors[400].content["application/json"].schema } },
});

const ListQuery = z.object({
  categoryId: z.string().optional().openapi({ type: "integer", minimum: 1 }),
  inStock: z.string().optional().openapi({ type: "boolean", description: "true: stock > 0; false: stock = 0" }),
  minPrice: z.string().optional().openapi({ type: "number", example: "10.00" }),
  maxPrice: z.string().optional().openapi({ type: "number", example: "99.99" }),
  limit: z.string().optional().openapi({ type: "integer", minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
  cursor: z.string().optional().openapi({ type: "integer", description: "nextCursor of the previous page" }),
});

const SearchQuery = z.object({
  q: z.string().optional().openapi({ description: "Words to find in name, description, SKU or category; a word may be the start of one", example: "wireless head" }),
  limit: z.string().optional().openapi({ type: "integer", minimum: 1, maximum: MAX_SEARCH_RESULTS, default: 20 }),
  offset: z.string().optional().openapi({ type: "integer", minimum: 0, default: 0 }),
});

function priceCents(raw: unknown): number {
  const cents = decimalToCents("price", raw);
  if (cents > MAX_INT32) throw new ValidationError("price", `price must be at most ${centsToDecimal(MAX_INT32)}; got ${String(raw)}`);
  return cents;
}

export function productRoutes(deps: AppDeps) {
  const app = createRouter();
  const { catalog, search } = deps;

  async function publish(type: ProductEventType, p: Pick<Product, "id" | "sku" | "stockQuantity">, previousStock?: number) {
    if (!deps.bus) return;
    const event: ProductEvent = { type, productId: p.id, sku: p.sku, at: new Date(deps.clock.now()).toISOString(), stockQuantity: p.stockQuantity };
    if (previousStock !== undefined) event.previousStock = previousStock;
    try {
      await deps.bus.publish(event);
    } catch (err) {
      deps.logger.warn(`Product ${p.id} changed but its ${type} event could not be published; the next search sync picks the change up`, err);
    }
  }

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/products",
      tags: ["Products"],
      summary: "Live products in id order, filtered, a page at a time (keyset: ?cursor=nextCursor)",
      request: { query: ListQuery },
      responses: { 200: json(ProductPageSchema, "A page of products"), ...commonErrors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const limit = optionalInt("limit", q.limit, 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE);
      const minPriceCents = optionalPrice("minPrice", q.minPrice);
      const maxPriceCents = optionalPrice("maxPrice", q.maxPrice);
      if (minPriceCents !== undefined && maxPriceCents !== undefined && minPriceCents > maxPriceCents) {
        throw new ValidationError("minPrice", `minPrice must not exceed maxPrice; got ${q.minPrice} > ${q.maxPrice}`);
      }
      const page = await catalog.listProducts({
        limit,
        categoryId: q.categoryId === undefined ? undefined : positiveInt("categoryId", q.categoryId),
        inStock: optionalBool("inStock", q.inStock),
        minPriceCents,
        maxPriceCents,
        afterId: q.cursor === undefined ? undefined : optionalInt("cursor", q.cursor, 0, MAX_INT32, 0),
      });
      return c.json({ items: page.items.map(productJson), total: page.total, limit, nextCursor: page.nextCursor }, 200);
    },
  );

  // Before /{id}, so "search" is never read as an id.
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/products/search",
      tags: ["Products"],
      summary: "Full-text search through the search index (Elasticsearch, or the embedded FTS5 index)",
      request: { query: SearchQuery },
      responses: { 200: json(SearchResultSchema, "Matches, best first"), ...commonErrors },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const text = (q.q ?? "").trim();
      if (text === "") throw new ValidationError("q", "q must be the words to search for; got nothing");
      if (text.length > MAX_QUERY_CHARS) throw new ValidationError("q", `q must be at most ${MAX_QUERY_CHARS} characters; got ${text.length}`);
      const limit = optionalInt("limit", q.limit, 1, MAX_SEARCH_RESULTS, 20);
      const offset = optionalInt("offset", q.offset, 0, 10_000 - limit, 0);
      const result = await search.search(text, { limit, offset });
      const items = result.hits.map(({ priceCents, ...h }) => ({ ...h, price: centsToDecimal(priceCents) }));
      return c.json({ query: text, total: result.total, limit, offset, items }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/products/{id}",
      tags: ["Products"],
      summary: "One product",
      request: { params: IdParams },
      responses: { 200: json(ProductSchema, "The product"), 404: notFoundError("product"), ...commonErrors },
    }),
    async (c) => {
      const id = idParam(c.req.valid("param").id);
      const p = await catalog.getProduct(id);
      if (!p) throw new NotFoundError("product", String(id));
      return c.json(productJson(p), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/products",
      tags: ["Products"],
      summary: "Create a product (publishes product.created)",
      security: adminSecurity,
      request: body(NewProductSchema),
      responses: { 201: json(ProductSchema, "Created"), 409: conflict("A live product has this SKU"), ...guardedErrors, ...commonErrors },
    }),
    async (c) => {
      const b = c.req.valid("json");
      const input: NewProduct = {
        sku: b.sku,
        name: b.name,
        description: b.description,
        categoryId: b.categoryId,
        priceCents: priceCents(b.price),
        stockQuantity: b.stockQuantity,
        isActive: b.isActive,
        popularity: b.popularity,
      };
      const p = await catalog.createProduct(input);
      await publish("product.created", p);
      c.header("Location", `/api/products/${p.id}`);
      return c.json(productJson(p), 201);
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/api/products/{id}",
      tags: ["Products"],
      summary: "Update a product: the fields given change, the others stay (publishes product.updated)",
      security: adminSecurity,
      request: { params: IdParams, ...body(ProductPatchSchema) },
      responses: { 200: json(ProductSchema, "The product after the change"), 404: notFoundError("product"), 409: conflict("A live product has this SKU"), ...guardedErrors, ...commonErrors },
    }),
    async (c) => {
      const id = idParam(c.req.valid("param").id);
      const { price, ...rest } = c.req.valid("json");
      const patch: ProductPatch = { ...rest, ...(price !== undefined ? { priceCents: priceCents(price) } : {}) };
      const p = await catalog.updateProduct(id, patch);
      if (!p) throw new NotFoundError("product", String(id));
      if (Object.keys(patch).length > 0) await publish("product.updated", p);
      return c.json(productJson(p), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/products/{id}/stock",
      tags: ["Products"],
      summary: "Add or remove stock (publishes product.stock_changed with the stock before and after)",
      security: adminSecurity,
      request: { params: IdParams, ...body(StockChangeSchema) },
      responses: {
        200: json(ProductSchema, "The product after the change"),
        404: notFoundError("product"),
        409: conflict("The change would take stock below 0 (a change past 2147483647 is a 400 on delta)"),
        ...guardedErrors,
        ...commonErrors,
      },
    }),
    async (c) => {
      const id = idParam(c.req.valid("param").id);
      const { delta } = c.req.valid("json");
      const p = await catalog.changeStock(id, delta);
      if (!p) throw new NotFoundError("product", String(id));
      if (delta !== 0) await publish("product.stock_changed", p, p.stockQuantity - delta);
      return c.json(productJson(p), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/products/{id}",
      tags: ["Products"],
      summary: "Delete a product (soft: purged for good by the cleanup job later; publishes product.deleted)",
      security: adminSecurity,
      request: { params: IdParams },
      responses: { 204: { description: "Deleted" }, 404: notFoundError("product"), ...guardedErrors, ...commonErrors },
    }),
    async (c) => {
      const id = idParam(c.req.valid("param").id);
      const p = await catalog.getProduct(id);
      if (!p || !(await catalog.deleteProduct(id))) throw new NotFoundError("product", String(id));
      await publish("product.deleted", p);
      return c.body(null, 204);
    },
  );

  return app;
}
