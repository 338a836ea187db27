// A deterministic sample catalog: the first start on an empty catalog gets 150 products over ten
// departments, and `npm run seed` fills any size with the same generator. Product i depends only
// on i (its own PRNG stream), so batches can be generated in any size or order and a catalog
// seeded twice looks the same. Every inventory alert has something to report: by index, 1 in 25
// products is out of stock, 2 in 25 critical (1–5) and 2 in 25 low (6–10).
import { ConflictError } from "../../errors.ts";
import type { CatalogStore, NewProduct } from "./catalog-store.ts";
import { SAMPLE_CATEGORIES } from "./sample-catalog-data.ts";

export { SAMPLE_CATEGORIES } from "./sample-catalog-data.ts";

/** Products seeded on first start. */
export const SAMPLE_PRODUCT_COUNT = 150;

const SEED = 0x5eedc47a;

/** mulberry32, seeded from the product index: small, fast, and identical on every runtime. */
function prng(index: number): () => number {
  let a = (SEED ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)];

function stockFor(index: number, rand: () => number): number {
  const bucket = index % 25;
  if (bucket === 0) return 0; // out of stock
  if (bucket <= 2) return 1 + Math.floor(rand() * 5); // critical: 1–5
  if (bucket <= 4) return 6 + Math.floor(rand() * 5); // low: 6–10
  return 11 + Math.floor(rand() * 240);
}

/** Log-uniform in the department's range, priced like a shop: x.99 mostly, some x.49. */
function priceFor(minCents: number, maxCents: number, rand: () => number): number {
  const raw = Math.exp(Math.log(minCents) + rand() * (Math.log(maxCents) - Math.log(minCents)));
  const dollars = Math.max(0, Math.floor(raw / 100));
  return dollars * 100 + (rand() < 0.75 ? 99 : 49);
}

/** The sample product at `index`, in the category whose id sits at the same position as its name. */
export function sampleProduct(index: number, categoryIds: readonly number[]): NewProduct {
  const rand = prng(index);
  const k = Math.floor(rand() * SAMPLE_CATEGORIES.length);
  const cat = SAMPLE_CATEGORIES[k];
  const brand = pick(rand, cat.brands);
  const noun = pick(rand, cat.nouns);
  const feature = pick(rand, cat.features);
  const brandCode = brand.replace(/[^A-Za-z]/g, "").slice(0, 3).toUpperCase();
  return {
    sku: `${cat.skuPrefix}-${brandCode}-${String(index + 1).padStart(7, "0")}`,
    name: `${brand} ${noun} ${feature}`,
    description: `The ${feature} ${noun} from ${brand}. ${cat.description}.`,
    categoryId: categoryIds[k],
    priceCents: priceFor(cat.minCents, cat.maxCents, rand),
    stockQuantity: stockFor(index, rand),
    isActive: true,
    // Views plus weighted sales follow a long tail: most products are rarely looked at.
    popularity: Math.floor(10 ** (rand() * 4)),
  };
}

/** Products startIndex … startIndex+count-1; `categoryIds` in SAMPLE_CATEGORIES order. */
export function* generateProducts(
  count: number,
  startIndex: number,
  categoryIds: readonly number[],
): Generator<NewProduct> {
  if (categoryIds.length !== SAMPLE_CATEGORIES.length) {
    throw new RangeError(`categoryIds must hold ${SAMPLE_CATEGORIES.length} ids (one per sample category); got ${categoryIds.length}`);
  }
  for (let i = startIndex; i < startIndex + count; i++) yield sampleProduct(i, categoryIds);
}

/** Creates the sample categories that are missing; returns their ids in SAMPLE_CATEGORIES order. */
export async function ensureSampleCategories(store: CatalogStore): Promise<number[]> {
  const byName = new Map((await store.listCategories()).map((c) => [c.name, c.id]));
  const ids: number[] = [];
  for (const cat of SAMPLE_CATEGORIES) {
    let id = byName.get(cat.name);
    if (id === undefined) id = (await store.createCategory({ name: cat.name, description: cat.description })).id;
    ids.push(id);
  }
  return ids;
}

/**
 * Seeds the sample when the catalog has never held anything (no categories, no product rows,
 * deleted ones included: a user who emptied it on purpose gets no surprise refill). Returns the
 * number of products seeded. Two processes starting together: the loser's category insert hits
 * the unique name and it backs off.
 */
export async function seedIfEmpty(store: CatalogStore, count = SAMPLE_PRODUCT_COUNT): Promise<number> {
  if ((await store.listCategories()).length > 0 || (await store.maxProductId()) > 0) return 0;
  let ids: number[];
  try {
    ids = await ensureSampleCategories(store);
  } catch (err) {
    if (err instanceof ConflictError) return 0;
    throw err;
  }
  return store.insertProducts([...generateProducts(count, 0, ids)]);
}
