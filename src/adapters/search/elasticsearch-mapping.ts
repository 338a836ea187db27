// The "products" index: settings and an explicit mapping, so a document can never change the
// schema by accident ("dynamic": "strict" turns a stray field into a bulk item error instead of a
// new mapped field). Field names are the Product's, camelCase, as the .NET service indexed them.
//
// - name/description: text through product_text (standard tokenizer, lowercase, asciifolding), so
//   "creme" finds "Crème"; no stemming, which would make prefix search surprising.
// - sku/categoryName: keyword with a lowercase+asciifolding normalizer: exact, case-insensitive,
//   sortable, aggregatable.
// - priceCents: long (integer cents, exact); id: long, sortable (sorting on _id is disabled by
//   default since Elasticsearch 8), used to page through ids.
// - auto_expand_replicas 0-1: green on a single node (docker-compose), one replica on a cluster.

export const INDEX_SETTINGS = {
  number_of_shards: 1,
  auto_expand_replicas: "0-1",
  analysis: {
    normalizer: {
      product_keyword: { type: "custom", filter: ["lowercase", "asciifolding"] },
    },
    analyzer: {
      product_text: { type: "custom", tokenizer: "standard", filter: ["lowercase", "asciifolding"] },
    },
  },
} as const;

export const INDEX_MAPPINGS = {
  dynamic: "strict",
  properties: {
    id: { type: "long" },
    sku: { type: "keyword", normalizer: "product_keyword" },
    name: { type: "text", analyzer: "product_text" },
    description: { type: "text", analyzer: "product_text" },
    categoryId: { type: "integer" },
    categoryName: { type: "keyword", normalizer: "product_keyword" },
    priceCents: { type: "long" },
    stockQuantity: { type: "integer" },
    isActive: { type: "boolean" },
    updatedAt: { type: "date" },
  },
} as const;

/** A product as stored in the index. */
export interface ProductDocument {
  id: number;
  sku: string;
  name: string;
  description: string;
  categoryId: number;
  categoryName: string;
  priceCents: number;
  stockQuantity: number;
  isActive: boolean;
  updatedAt: string;
}

/** What a hit needs back; the rest of the document stays on the server. */
export const HIT_SOURCE_FIELDS = ["sku", "name", "description", "categoryName", "priceCents", "stockQuantity"] as const;

/** Boosts: an SKU hit beats a name hit beats description and category hits (as in FTS5's bm25). */
export const SEARCH_FIELDS = ["sku^5", "name^3", "description", "categoryName"] as const;
