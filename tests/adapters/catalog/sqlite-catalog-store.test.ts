import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createCatalogStore } from "../../../src/adapters/catalog/create-catalog-store.ts";
import { openSqliteCatalogStore } from "../../../src/adapters/catalog/sqlite-catalog-store.ts";
import { DependencyUnavailableError } from "../../../src/errors.ts";
import { openDatabase } from "../../../src/sqlite/sqlite.ts";
import { catalogConformance, rejection } from "./catalog-conformance.ts";

const dir = mkdtempSync(join(tmpdir(), "catalog-sqlite-"));
let files = 0;

// A fresh file per test: the store runs as in production (WAL, a real file), isolated.
catalogConformance("SQLite", {
  async open(now) {
    const store = await openSqliteCatalogStore(join(dir, `catalog-${++files}.db`), { now });
    await store.migrate();
    return store;
  },
  async teardown() {
    rmSync(dir, { recursive: true, force: true });
  },
});

const test = suite("SQLite catalog store");
const now = () => Date.UTC(2025, 11, 15);

test("the factory opens catalog.db in DATA_DIR when no DATABASE_URL is set", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "catalog-factory-"));
  try {
    const store = await createCatalogStore({ databaseUrl: null, dataDir }, { now });
    assert.is(store.kind, "sqlite");
    await store.migrate();
    await store.createCategory({ name: "Books" });
    await store.close();
    const db = await openDatabase(join(dataDir, "catalog.db"));
    assert.equal(db.prepare("SELECT name FROM categories").all(), [{ name: "Books" }]);
    db.close();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("a catalog file that cannot be opened is a DependencyUnavailableError for the catalog, cause kept", async () => {
  const blocker = join(tmpdir(), `catalog-blocker-${process.pid}`);
  writeFileSync(blocker, "a file where a folder should be");
  try {
    const err = await rejection(openSqliteCatalogStore(join(blocker, "catalog.db"), { now }));
    assert.instance(err, DependencyUnavailableError);
    assert.is((err as DependencyUnavailableError).dependency, "catalog");
    assert.ok(err.cause);
  } finally {
    rmSync(blocker, { force: true });
  }
});

test("two stores on one file see each other's writes", async () => {
  const shared = mkdtempSync(join(tmpdir(), "catalog-shared-"));
  const path = join(shared, "catalog.db");
  const a = await openSqliteCatalogStore(path, { now });
  const b = await openSqliteCatalogStore(path, { now });
  await a.migrate();
  await b.migrate();
  const cat = await a.createCategory({ name: "Shared" });
  await b.createProduct({ sku: "SH-1", name: "Shared", categoryId: cat.id, priceCents: 1, stockQuantity: 1 });
  assert.is(await a.countProducts(), 1);
  await a.close();
  await b.close();
  rmSync(shared, { recursive: true, force: true });
});

test.run();
