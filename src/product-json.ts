// A product as clients see it — in the REST API and in the cache values jobs write — with its
// price as a decimal number (19.99) instead of the cents kept inside.
import type { Product } from "./adapters/catalog/catalog-store.ts";
import { centsToDecimal } from "./money.ts";

export interface ProductJson {
  id: number;
  sku: string;
  name: string;
  description: string;
  categoryId: number;
  categoryName: string;
  price: number;
  stockQuantity: number;
  isActive: boolean;
  popularity: number;
  createdAt: string;
  updatedAt: string;
}

export function productJson(p: Product): ProductJson {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    description: p.description,
    categoryId: p.categoryId,
    categoryName: p.categoryName,
    price: centsToDecimal(p.priceCents),
    stockQuantity: p.stockQuantity,
    isActive: p.isActive,
    popularity: p.popularity,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}
