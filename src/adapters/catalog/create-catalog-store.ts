// Picks the catalog store from configuration: PostgreSQL when DATABASE_URL is set, otherwise the
// embedded SQLite file in DATA_DIR. The caller runs migrate() and owns close().
import { join } from "node:path";
import type { Config } from "../../config.ts";
import type { CatalogStore } from "./catalog-store.ts";

// Implementations are imported only when chosen: the embedded default never loads postgres.js.

export interface CatalogStoreDeps {
  /** Epoch milliseconds (the runtime's clock). */
  now: () => number;
}

export async function createCatalogStore(
  config: Pick<Config, "databaseUrl" | "dataDir">,
  deps: CatalogStoreDeps,
): Promise<CatalogStore> {
  if (config.databaseUrl) {
    const { createPostgresCatalogStore } = await import("./postgres-catalog-store.ts");
    return createPostgresCatalogStore({ url: config.databaseUrl, now: deps.now });
  }
  const { openSqliteCatalogStore } = await import("./sqlite-catalog-store.ts");
  return openSqliteCatalogStore(join(config.dataDir, "catalog.db"), { now: deps.now });
}
