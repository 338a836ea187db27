// Opening a SQLite file while another process writes to it: what two servers starting at the same
// moment on one new ledger do.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { openDatabase } from "../../src/sqlite/sqlite.ts";

/** Another process that creates `path` (rollback journal) and holds a write on it for `ms`, then commits. */
async function writerHolding(path: string, ms: number): Promise<{ exited: Promise<number | null> }> {
  const code = `const Database = require("better-sqlite3");
    const db = new Database(${JSON.stringify(path)});
    db.exec("CREATE TABLE t (x)");
    db.exec("BEGIN IMMEDIATE"); db.exec("INSERT INTO t VALUES (1)");
    console.log("holding");
    setTimeout(() => { db.exec("COMMIT"); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ["-e", code], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    child.stdout.once("data", resolve);
    child.once("exit", (c) => reject(new Error(`the writer exited with ${c} before holding its lock`)));
  });
  return { exited: new Promise((resolve) => child.once("exit", resolve)) };
}

test("a new file another process is writing to is switched to WAL once that write ends, not refused as locked", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cj-open-"));
  try {
    const path = join(dir, "new.db");
    const { exited } = await writerHolding(path, 300);
    const db = await openDatabase(path);
    assert.equal(db.prepare("PRAGMA journal_mode").values(), [["wal"]]);
    assert.equal(db.prepare("SELECT x FROM t").values(), [[1]], "the other process's write is there");
    db.close();
    assert.is(await exited, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
