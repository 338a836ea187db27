// Products for the search tests: complete Product rows with sensible defaults.
import type { Product } from "../../../src/adapters/catalog/catalog-store.ts";

export function product(id: number, fields: Partial<Product> = {}): Product {
  return {
    id,
    sku: `SKU-${String(id).padStart(5, "0")}`,
    name: `Product ${id}`,
    description: "",
    categoryId: 1,
    categoryName: "General",
    priceCents: 1999,
    stockQuantity: 10,
    isActive: true,
    popularity: 0,
    createdAt: "2025-12-01T00:00:00.000Z",
    updatedAt: "2025-12-01T00:00:00.000Z",
    deletedAt: null,
    ...fields,
  };
}
