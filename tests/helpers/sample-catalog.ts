// The deterministic 150-product sample catalog (the one a first start seeds).
import type { CatalogStore } from "../../src/adapters/catalog/catalog-store.ts";
import { seedIfEmpty } from "../../src/adapters/catalog/sample-catalog.ts";

export async function insertSample(catalog: CatalogStore): Promise<number> {
  return seedIfEmpty(catalog);
}
