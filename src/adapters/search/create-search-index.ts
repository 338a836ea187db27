// Picks the search index from configuration: Elasticsearch when ELASTICSEARCH_URL is set, SQLite
// FTS5 in DATA_DIR/search.db otherwise.
import { join } from "node:path";
import type { Config } from "../../config.ts";

// Implementations are imported only when chosen: the embedded default never loads the Elasticsearch client.
import type { SearchIndex } from "./search-index.ts";

export async function createSearchIndex(
  config: Pick<Config, "elasticsearchUrl" | "dataDir">,
  options: { /** Elasticsearch index name; "products" by default. */ index?: string } = {},
): Promise<SearchIndex> {
  if (config.elasticsearchUrl !== null) {
    const { ElasticsearchSearchIndex } = await import("./elasticsearch-search-index.ts");
    return new ElasticsearchSearchIndex({ node: config.elasticsearchUrl, index: options.index });
  }
  const { FtsSearchIndex } = await import("./fts-search-index.ts");
  return FtsSearchIndex.open(join(config.dataDir, "search.db"));
}
