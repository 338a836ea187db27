// Cache warming: the work of both the Cache Warming service (every 6 h) and the cache-warmup job
// (on demand or on its cron), and — its first step alone — of the popular-products job.
// Every value is derived from the catalog as it is now and overwrites the last one, so a second
// run writes the same values.
import type { Cache } from "../../adapters/cache/cache.ts";
import type { CatalogStore } from "../../adapters/catalog/catalog-store.ts";
import { productJson, type ProductJson } from "../../product-json.ts";
import { CacheKeys, CacheTtl } from "./cache-keys.ts";

/** How many products "popular products" holds. */
export const POPULAR_PRODUCTS_LIMIT = 20;

export interface WarmDeps {
  catalog: CatalogStore;
  cache: Cache;
}

export interface WarmSummary {
  popularProducts: number;
  categories: number;
  inStock: number;
  keys: string[];
}

/** products:popular — the most popular live products, best first. */
export async function cachePopularProducts({ catalog, cache }: WarmDeps): Promise<ProductJson[]> {
  const popular = (await catalog.popularProducts(POPULAR_PRODUCTS_LIMIT)).map(productJson);
  await cache.set(CacheKeys.popularProducts, popular, CacheTtl.popularProducts);
  return popular;
}

export async function warmCache(deps: WarmDeps, progress: (percent: number, message: string) => void = () => {}): Promise<WarmSummary> {
  const { catalog, cache } = deps;
  progress(0, "Popular products");
  const popular = await cachePopularProducts(deps);
  progress(25, "Categories");
  const categories = await catalog.listCategories();
  await cache.set(CacheKeys.categories, categories, CacheTtl.warmed);
  progress(50, "Category and stock counts");
  const totals = await catalog.totals();
  const counts = totals.byCategory.map((c) => ({
    categoryId: c.categoryId,
    categoryName: c.categoryName,
    products: c.products,
    inStock: c.inStock,
    outOfStock: c.outOfStock,
  }));
  await cache.set(CacheKeys.categoryCounts, counts, CacheTtl.warmed);
  progress(75, "In-stock counts");
  await cache.set(
    CacheKeys.inStockCounts,
    { totalProducts: totals.totalProducts, inStock: totals.inStock, outOfStock: totals.outOfStock, lowStock: totals.lowStock },
    CacheTtl.warmed,
  );
  progress(100, "Done");
  return {
    popularProducts: popular.length,
    categories: categories.length,
    inStock: totals.inStock,
    keys: [CacheKeys.popularProducts, CacheKeys.categories, CacheKeys.categoryCounts, CacheKeys.inStockCounts],
  };
}
