// Products and categories as the REST API shows and accepts them. Prices are decimal numbers in
// JSON (19.99) and integer cents inside; amounts with more than two decimals are refused, never
// rounded. Query strings and path ids are checked here with ValidationError naming the parameter,
// so every 400 has the one error shape.
import { ValidationError } from "../errors.ts";
import { decimalToCents } from "../money.ts";
import { z } from "./openapi.ts";

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

const Price = z.number().openapi({ description: "Decimal with at most two decimals", example: 19.99 });

export const NewProductSchema = z
  .object({
    sku: z.string().openapi({ example: "ELEC-SON-0000042" }),
    name: z.string().openapi({ example: "Sonora Wireless Headphones" }),
    description: z.string().optional(),
    categoryId: z.number().int(),
    price: Price,
    stockQuantity: z.number().int(),
    isActive: z.boolean().optional(),
    popularity: z.number().int().optional(),
  })
  .strict()
  .openapi("NewProduct");

export const ProductPatchSchema = z
  .object({
    sku: z.string().optional(),
    name: z.string().optional(),
    description: z.string().optional(),
    categoryId: z.number().int().optional(),
    price: Price.optional(),
    stockQuantity: z.number().int().optional(),
    isActive: z.boolean().optional(),
    popularity: z.number().int().optional(),
  })
  .strict()
  .openapi("ProductPatch", { description: "Only the fields given change", example: { price: 17.49, stockQuantity: 30 } });

export const StockChangeSchema = z
  .object({ delta: z.number().int().openapi({ description: "Units to add (negative to remove); stock never goes below 0", example: -3 }) })
  .strict()
  .openapi("StockChange");

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

export const NewCategorySchema = z
  .object({ name: z.string().openapi({ example: "Garden" }), description: z.string().optional() })
  .strict()
  .openapi("NewCategory");

export const CategoryPatchSchema = z
  .object({ name: z.string().optional(), description: z.string().optional() })
  .strict()
  .openapi("CategoryPatch");

/** `{id}` in a path: documented as an integer, checked by idParam (one error shape for all). */
export const IdParams = z.object({
  id: z.string().openapi({ param: { name: "id", in: "path" }, type: "integer", minimum: 1, example: "42" }),
});

const shown = (v: string | undefined) => (v === undefined ? "nothing" : JSON.stringify(v));

export function positiveInt(field: string, raw: string | undefined, max = 2_147_483_647): number {
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
