// drizzle over our SQLite module (src/sqlite/sqlite.ts), through drizzle's sqlite-proxy driver:
// the one driver that runs on both better-sqlite3 and Deno's node:sqlite. Our Database is
// synchronous, so each statement runs whole inside the callback. Multi-statement writes go through
// `db.batch([...])`, which runs here inside one BEGIN IMMEDIATE … COMMIT without yielding: no
// other caller's statement can land in the middle (drizzle's proxy `transaction()` would issue
// BEGIN and COMMIT as separate awaited calls on the shared connection, so we never use it).
import { drizzle, type SqliteRemoteDatabase } from "drizzle-orm/sqlite-proxy";
import type { Database, RunResult, SqlValue } from "../../sqlite/sqlite.ts";

type Method = "run" | "all" | "values" | "get";

/** What a `run` (insert/update/delete without returning) resolves to: rows plus SQLite's counts. */
export interface RunOutcome {
  rows: unknown[];
  changes: number;
  lastInsertRowid: number;
}

function execute(db: Database, sql: string, params: unknown[], method: Method): RunOutcome | { rows: unknown } {
  const st = db.prepare(sql);
  const args = params.map(toSqlValue);
  if (method === "run") {
    const r: RunResult = st.run(...args);
    return { rows: [], changes: r.changes, lastInsertRowid: r.lastInsertRowid };
  }
  const rows = st.values(...args);
  // drizzle's proxy wants the single row itself for `get`, undefined when there is none.
  return { rows: method === "get" ? rows[0] : rows };
}

// drizzle hands booleans through for raw `sql` params; SQLite stores them as 0/1.
function toSqlValue(v: unknown): SqlValue {
  if (typeof v === "boolean") return v ? 1 : 0;
  return v as SqlValue;
}

export function drizzleOver(db: Database): SqliteRemoteDatabase {
  return drizzle(
    async (sql, params, method) => execute(db, sql, params, method) as { rows: unknown[] },
    async (queries) =>
      db.transaction(() => queries.map((q) => execute(db, q.sql, q.params, q.method) as { rows: unknown[] })),
  );
}
