// Products and categories as the REST API shows and accepts them. Prices are decimal numbers in
// JSON (19.99) and integer cents inside; amounts with more than two decimals are refused, never
// rounded. Query strings and path ids are checked here with ValidationError naming the parameter,
// so every 400 has the one error shape.
import { MAX_INT32 } from "../adapters/catalog/product-input.ts";
import { ValidationError } from "../errors.ts";
import { decimalToCents } from "../money.ts";
import { bodyObject, z } from "./openapi.ts";

const PRODUCT_EXAMPLE = {
  id: 42,
  sku: "ELE-SON-0000042",
  name: "Sonora Wireless Headphones Noise-Cancelling",
  description: "The Noise-Cancelling Wireless Headphones from Sonora.",
  categoryId: 1,
  categoryName: "Electronics",
  price: 199.99,
  stockQuantity: 4,
  isActive: true,
  popularity: 812,
  createdAt: "2026-03-01T09:00:00.000Z",
  updatedAt: "2026-03-28T17:12:03.120Z",
};

export const ProductSchema = z
  .object({
    id: z.number().int(),
    sku: z.string(),
    name: z.string(),
    description: z.string(),
    categoryId: z.number().int(),
    categoryName: z.string(),
    price: z.number().openapi({ description: "Decimal, exact to the cent", example: 19.99 }),
    stockQuantity: z.number().int(),
    isActive: z.boolean(),
    popularity: z.number().int(),
    createdAt: z.string().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Product", { example: PRODUCT_EXAMPLE });

export const ProductPageSchema = z
  .object({
    items: z.array(ProductSchema),
    total: z.number().int().openapi({ description: "Products matching the filters, all pages" }),
    limit: z.number().int(),
    nextCursor: z.number().int().nullable().openapi({ description: "Pass as ?cursor= for the next page; null on the last" }),
  })
  .openapi("ProductPage", { example: { items: [PRODUCT_EXAMPLE], total: 150, limit: 50, nextCursor: 42 } });

export const SearchResultSchema = z
  .object({
    query: z.string(),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    items: z.array(
      z.object({
        id: z.number().int(),
        sku: z.string(),
        name: z.string(),
        description: z.string(),
        categoryName: z.string(),
        price: z.number(),
        stockQuantity: z.number().int(),
        score: z.number(),
      }),
    ),
  })
  .openapi("ProductSearchResult", {
    example: {
      query: "wireless head",
      total: 4,
      limit: 20,
      offset: 0,
      items: [
        {
          id: 42,
          sku: PRODUCT_EXAMPLE.sku,
          name: PRODUCT_EXAMPLE.name,
          description: PRODUCT_EXAMPLE.description,
          categoryName: "Electronics",
          price: 199.99,
          stockQuantity: 4,
          score: 5.97,
        },
      ],
    },
  });

// Body fields with our messages ("<field> must be …; got …"), not zod's: zod's default range for
// an int is ±2^53, while the stores hold 32-bit integers.
const got = (v: unknown) => (v === undefined ? "nothing" : (JSON.stringify(v) ?? String(v)));

const text = (field: string) => z.string({ error: (i) => `${field} must be a string; got ${got(i.input)}` });

const flag = (field: string) => z.boolean({ error: (i) => `${field} must be true or false; got ${got(i.input)}` });

/** A whole number from min to max; a wrong type, a fraction and a value out of range get one message. */
function wholeNumber(field: string, min: number, max = MAX_INT32) {
  const error = (i: { input?: unknown }) => `${field} must be a whole number from ${min} to ${max}; got ${got(i.input)}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

const Price = z
  .number({ error: (i) => `price must be a number with at most two decimals, such as 19.99; got ${got(i.input)}` })
  .openapi({ description: "Decimal with at most two decimals", example: 19.99 });

const productFields = {
  sku: text("sku").openapi({ example: "ELEC-SON-0000042" }),
  name: text("name").openapi({ example: "Sonora Wireless Headphones" }),
  description: text("description"),
  categoryId: wholeNumber("categoryId", 1),
  price: Price,
  stockQuantity: wholeNumber("stockQuantity", 0),
  isActive: flag("isActive"),
  popularity: wholeNumber("popularity", 0),
};

export const NewProductSchema = bodyObject("a product", {
  ...productFields,
  description: productFields.description.optional(),
  isActive: productFields.isActive.optional(),
  popularity: productFields.popularity.optional(),
}).openapi("NewProduct");

export const ProductPatchSchema = bodyObject("a product", {
  sku: productFields.sku.optional(),
  name: productFields.name.optional(),
  description: productFields.description.optional(),
  categoryId: productFields.categoryId.optional(),
  price: productFields.price.optional(),
  stockQuantity: productFields.stockQuantity.optional(),
  isActive: productFields.isActive.optional(),
  popularity: productFields.popularity.optional(),
}).openapi("ProductPatch", { description: "Only the fields given change", example: { price: 17.49, stockQuantity: 30 } });

export const StockChangeSchema = bodyObject("a stock change", {
  delta: wholeNumber("delta", -MAX_INT32).openapi({ description: "Units to add (negative to remove); stock stays within 0 to 2147483647", example: -3 }),
}).openapi("StockChange");

const CATEGORY_EXAMPLE = { id: 1, name: "Electronics", description: "Phones, audio and computers", createdAt: "2026-03-01T09:00:00.000Z", updatedAt: "2026-03-01T09:00:00.000Z" };

export const CategorySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    description: z.string(),
    createdAt: z.string().openapi({ format: "date-time" }),
    updatedAt: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Category", { example: CATEGORY_EXAMPLE });

export const CategoryListSchema = z
  .object({ items: z.array(CategorySchema), total: z.number().int() })
  .openapi("CategoryList", { example: { items: [CATEGORY_EXAMPLE], total: 1 } });

export const NewCategorySchema = bodyObject("a category", {
  name: text("name").openapi({ example: "Garden" }),
  description: text("description").optional(),
}).openapi("NewCategory");

export const CategoryPatchSchema = bodyObject("a category", {
  name: text("name").optional(),
  description: text("description").optional(),
}).openapi("CategoryPatch");

/** `{id}` in a path: documented as an integer, checked by idParam (one error shape for all). */
export const IdParams = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, type: "integer", minimum: 1, example: "42" }),
});

const shown = (v: string | undefined) => (v === undefined ? "nothing" : JSON.stringify(v));

export function positiveInt(field: string, raw: string | undefined, max = MAX_INT32): number {
  const n = raw !== undefined && /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= max)) throw new ValidationError(field, `${field} must be a whole number from 1 to ${max}; got ${shown(raw)}`);
  return n;
}

export function optionalInt(field: string, raw: string | undefined, min: number, max: number, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw new ValidationError(field, `${field} must be a whole number from ${min} to ${max}; got ${shown(raw)}`);
  return n;
}

export function optionalBool(field: string, raw: string | undefined): boolean | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (raw === "true") return true;
  if (raw === "false") return false;
  throw new ValidationError(field, `${field} must be true or false; got ${shown(raw)}`);
}

export function optionalPrice(field: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  return decimalToCents(field, raw);
}

export const idParam = (raw: string) => positiveInt("id", raw);
