// The one module that touches a SQLite driver. Node 20 uses better-sqlite3 (a native addon);
// Deno refuses nan addons but ships node:sqlite, so the driver is chosen by runtime here and
// nowhere else. Both are synchronous; callers see one small interface.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

export type SqlValue = string | number | bigint | null | Uint8Array;

export interface RunResult {
  changes: number;
  lastInsertRowid: number;
}

export interface Statement {
  run(...params: SqlValue[]): RunResult;
  get<T = Record<string, unknown>>(...params: SqlValue[]): T | undefined;
  all<T = Record<string, unknown>>(...params: SqlValue[]): T[];
  /** Rows as arrays (what drizzle's sqlite-proxy driver wants). */
  values(...params: SqlValue[]): unknown[][];
}

export interface Database {
  readonly path: string;
  exec(sql: string): void;
  prepare(sql: string): Statement;
  /** Runs fn in BEGIN IMMEDIATE … COMMIT; rolls back if it throws. Not re-entrant. */
  transaction<T>(fn: () => T): T;
  /** Runs reads in one snapshot (BEGIN DEFERRED): another process's commit is all or nothing. */
  snapshot<T>(fn: () => T): T;
  close(): void;
}

export interface OpenOptions {
  readonly?: boolean;
  /** ms to wait on a lock held by another connection or process. */
  busyTimeoutMs?: number;
}

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

type Opener = (path: string, opts: OpenOptions) => Database;
let opener: Opener | undefined;

async function loadOpener(): Promise<Opener> {
  if (opener) return opener;
  opener = isDeno ? await nodeSqliteOpener() : await betterSqliteOpener();
  return opener;
}

async function betterSqliteOpener(): Promise<Opener> {
  const { default: BetterSqlite } = await import("better-sqlite3");
  return (path, opts) => {
    const db = new BetterSqlite(path, { readonly: opts.readonly ?? false });
    const cache = new Map<string, Statement>();
    const wrap = (sql: string): Statement => {
      const s = db.prepare(sql);
      const reader = s.reader;
      const raw = reader ? db.prepare(sql).raw(true) : undefined;
      return {
        // Safe integers are off: lastInsertRowid is already a number (and the hot path runs
        // this for every job, so no copy of the result).
        run: (...p) => s.run(...p) as RunResult,
        get: (...p) => (reader ? (s.get(...p) as never) : (s.run(...p), undefined)),
        all: (...p) => (reader ? (s.all(...p) as never) : (s.run(...p), [])),
        values: (...p) => (raw ? (raw.all(...p) as unknown[][]) : (s.run(...p), [])),
      };
    };
    // One transaction wrapper for every call: db.transaction() builds five functions each time.
    const within = db.transaction(<T>(fn: () => T): T => fn());
    return {
      path,
      exec: (sql) => void db.exec(sql),
      prepare(sql) {
        let st = cache.get(sql);
        if (!st) cache.set(sql, (st = wrap(sql)));
        return st;
      },
      transaction<T>(fn: () => T): T {
        return within.immediate(fn) as T;
      },
      snapshot<T>(fn: () => T): T {
        return within.deferred(fn) as T;
      },
      close: () => db.close(),
    };
  };
}

async function nodeSqliteOpener(): Promise<Opener> {
  const mod = "node:sqlite"; // a variable keeps Node 20's resolver from trying it
  const { DatabaseSync } = (await import(mod)) as {
    DatabaseSync: new (p: string, o?: { readOnly?: boolean }) => NodeSqliteDb;
  };
  return (path, opts) => {
    const db = new DatabaseSync(path, { readOnly: opts.readonly ?? false });
    const cache = new Map<string, Statement>();
    const plain = (row: unknown) => (row ? { ...(row as object) } : row); // rows have a null prototype
    // Nested calls become savepoints, as better-sqlite3's transactions do.
    let depth = 0;
    const inTransaction = <T>(begin: string, fn: () => T): T => {
      const savepoint = depth > 0 ? `nested_${depth}` : null;
      db.exec(savepoint ? `SAVEPOINT ${savepoint}` : begin);
      depth++;
      try {
        const out = fn();
        db.exec(savepoint ? `RELEASE ${savepoint}` : "COMMIT");
        return out;
      } catch (err) {
        db.exec(savepoint ? `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}` : "ROLLBACK");
        throw err;
      } finally {
        depth--;
      }
    };
    return {
      path,
      exec: (sql) => db.exec(sql),
      prepare(sql) {
        let st = cache.get(sql);
        if (!st) {
          const s = db.prepare(sql);
          const raw = db.prepare(sql);
          raw.setReturnArrays?.(true);
          st = {
            run: (...p) => {
              const r = s.run(...p);
              return { changes: Number(r.changes), lastInsertRowid: Number(r.lastInsertRowid) };
            },
            get: (...p) => plain(s.get(...p)) as never,
            all: (...p) => s.all(...p).map(plain) as never,
            values: (...p) => raw.all(...p) as unknown[][],
          };
          cache.set(sql, st);
        }
        return st;
      },
      transaction<T>(fn: () => T): T {
        return inTransaction("BEGIN IMMEDIATE", fn);
      },
      snapshot<T>(fn: () => T): T {
        return inTransaction("BEGIN DEFERRED", fn);
      },
      close: () => db.close(),
    };
  };
}

interface NodeSqliteStmt {
  run(...p: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...p: SqlValue[]): unknown;
  all(...p: SqlValue[]): unknown[];
  setReturnArrays?(on: boolean): void;
}
interface NodeSqliteDb {
  exec(sql: string): void;
  prepare(sql: string): NodeSqliteStmt;
  close(): void;
}

/**
 * Opens (creating the folder) a SQLite file in WAL mode with a busy timeout, so several
 * connections and processes share it without SQLITE_BUSY surfacing. synchronous=NORMAL: a
 * commit survives a killed process (what we promise); only a power cut may lose the last ones.
 */
export async function openDatabase(path: string, options: OpenOptions = {}): Promise<Database> {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const open = await loadOpener();
  const db = open(path, options);
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
  if (!options.readonly) {
    await whileLocked(() => db.exec("PRAGMA journal_mode = WAL"), busyTimeoutMs);
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA foreign_keys = ON");
  }
  return db;
}

/**
 * Switching a file to WAL takes an exclusive lock, and while another connection holds a write
 * lock SQLite answers "database is locked" at once instead of waiting out the busy timeout: two
 * processes opening one new ledger at the same moment met it. Tried again until the timeout.
 */
async function whileLocked(fn: () => void, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return fn();
    } catch (err) {
      const e = err as { message?: string; code?: string; errcode?: number };
      // better-sqlite3 says SQLITE_BUSY, node:sqlite errcode 5; both say "database is locked".
      const busy = e.code === "SQLITE_BUSY" || e.errcode === 5 || /database is locked/i.test(e.message ?? "");
      if (!busy || performance.now() >= deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}
