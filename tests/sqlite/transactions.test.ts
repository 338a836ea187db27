// The SQLite module's transactions behave the same on better-sqlite3 (Node) and node:sqlite (Deno):
// a transaction inside a transaction is a savepoint.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/sqlite/sqlite.ts";

async function withDb(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => void | Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), "cj-tx-"));
  const db = await openDatabase(join(dir, "t.db"));
  try {
    db.exec("CREATE TABLE t (x INTEGER)");
    await fn(db);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = (db: Awaited<ReturnType<typeof openDatabase>>) => db.prepare("SELECT x FROM t ORDER BY x").values().map((r) => r[0]);

test("a transaction inside a transaction sees the outer one's writes and commits with it", () =>
  withDb((db) => {
    db.transaction(() => {
      db.prepare("INSERT INTO t VALUES (?)").run(1);
      const seen = db.snapshot(() => rows(db));
      assert.equal(seen, [1]);
      db.transaction(() => db.prepare("INSERT INTO t VALUES (?)").run(2));
    });
    assert.equal(rows(db), [1, 2]);
  }));

test("an inner transaction that throws rolls back only its own writes", () =>
  withDb((db) => {
    db.transaction(() => {
      db.prepare("INSERT INTO t VALUES (?)").run(1);
      try {
        db.transaction(() => {
          db.prepare("INSERT INTO t VALUES (?)").run(2);
          throw new Error("inner fails");
        });
      } catch {
        // the outer one goes on
      }
      db.prepare("INSERT INTO t VALUES (?)").run(3);
    });
    assert.equal(rows(db), [1, 3]);
  }));

test("an outer transaction that throws rolls back everything, inner writes included", () =>
  withDb((db) => {
    assert.throws(() =>
      db.transaction(() => {
        db.transaction(() => db.prepare("INSERT INTO t VALUES (?)").run(1));
        throw new Error("outer fails");
      }),
    );
    assert.equal(rows(db), []);
    db.transaction(() => db.prepare("INSERT INTO t VALUES (?)").run(4));
    assert.equal(rows(db), [4], "and the connection is usable afterwards");
  }));

test.run();
