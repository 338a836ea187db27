// Picks the search index from configuration: Elasticsearch when ELASTICSEARCH_URL is set, SQLite
// FTS5 in DATA_DIR/search.db otherwise.
import { join } from "node:path";
import type { Config } from "../../config.ts";
import { ElasticsearchSearchIndex } from "./elasticsearch-search-index.ts";
import { FtsSearchIndex } from "./fts-search-index.ts";
import type { SearchIndex } from "./search-index.ts";

export async function createSearchIndex(
  config: Pick<Config, "elasticsearchUrl" | "dataDir">,
  options: { /** Elasticsearch index name; "products" by default. */ index?: string } = {},
): Promise<SearchIndex> {
  if (config.elasticsearchUrl !== null) {
    return new ElasticsearchSearchIndex({ node: config.elasticsearchUrl, index: options.index });
  }
  return FtsSearchIndex.open(join(config.dataDir, "search.db"));
}
