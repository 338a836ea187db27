// Applies drizzle-kit's generated migrations (db/<store>/migrations/sqlite) through our own
// SQLite module, so the same migrations run under better-sqlite3 and node:sqlite.
import { readMigrationFiles } from "drizzle-orm/migrator";
import type { Database } from "./sqlite.ts";

export function migrateSqlite(db: Database, migrationsFolder: string): number {
  const migrations = readMigrationFiles({ migrationsFolder });
  db.exec(`CREATE TABLE IF NOT EXISTS __drizzle_migrations (
    id INTEGER PRIMARY KEY, hash TEXT NOT NULL, created_at NUMERIC)`);
  let applied = 0;
  db.transaction(() => {
    const last = db.prepare("SELECT created_at FROM __drizzle_migrations ORDER BY created_at DESC LIMIT 1").get<{
      created_at: number;
    }>();
    for (const m of migrations) {
      if (last && Number(last.created_at) >= m.folderMillis) continue;
      for (const stmt of m.sql) if (stmt.trim()) db.exec(stmt);
      db.prepare("INSERT INTO __drizzle_migrations (hash, created_at) VALUES (?, ?)").run(m.hash, m.folderMillis);
      applied++;
    }
  });
  return applied;
}
