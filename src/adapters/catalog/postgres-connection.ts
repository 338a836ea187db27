// The PostgreSQL catalog's connections: one small postgres.js pool per store, and a short-lived
// single connection for migrations. postgres.js opens connections lazily and replaces a dead one
// on its next query, so after a server restart the pool heals by itself; what the store adds is a
// retry of reads that were caught on a connection as it died (see postgres-catalog-store.ts).
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { projectPath } from "../../paths.ts";

export interface PgConnectionOptions {
  url: string;
  /** Schema holding the catalog's tables (search_path); created by migrate. Default: the server's. */
  schema?: string;
  /** Pool size. Each worker thread that opens a store has its own pool, so keep it small. */
  maxConnections?: number;
  /** Shown in pg_stat_activity; how an operator (or a test) finds the store's connections. */
  applicationName?: string;
}

export const DEFAULT_POOL_SIZE = 4;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkSchemaName(schema: string): void {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(`schema must be a lower-case SQL identifier such as "catalog"; got "${schema}"`);
  }
}

export function openPool(o: PgConnectionOptions, max = o.maxConnections ?? DEFAULT_POOL_SIZE): postgres.Sql {
  return postgres(o.url, {
    max,
    idle_timeout: 60, // s: idle connections close, so a long quiet spell leaves none to go stale
    connect_timeout: 5, // s: a server that is down fails the call fast, and the job retries later
    onnotice: () => {}, // "schema already exists, skipping" and the like are not our log lines
    connection: {
      application_name: o.applicationName ?? "catalog-jobs:catalog",
      ...(o.schema ? { search_path: o.schema } : {}),
    },
  });
}

/**
 * Applies drizzle-kit's migrations with drizzle's postgres-js migrator, under an advisory lock:
 * processes starting together against an empty database would otherwise both create the tables.
 * One connection (max 1) so the lock and the migration share a session.
 */
export async function migrateCatalog(o: PgConnectionOptions): Promise<void> {
  const sql = openPool(o, 1);
  try {
    await sql`SELECT pg_advisory_lock(hashtext(${`catalog-jobs:catalog-migrations:${o.schema ?? ""}`}))`;
    if (o.schema) await sql.unsafe(`CREATE SCHEMA IF NOT EXISTS "${o.schema}"`);
    await migrate(drizzle(sql), {
      migrationsFolder: projectPath("db", "catalog", "migrations", "pg"),
      // Kept beside the tables when a schema is given, so dropping the schema forgets them too.
      migrationsSchema: o.schema ?? "drizzle",
      migrationsTable: "__catalog_migrations",
    });
  } finally {
    await sql.end({ timeout: 5 });
  }
}
