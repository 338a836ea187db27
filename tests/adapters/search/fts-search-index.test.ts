import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createSearchIndex } from "../../../src/adapters/search/create-search-index.ts";
import { toFtsQuery } from "../../../src/adapters/search/fts-query.ts";
import { FtsSearchIndex } from "../../../src/adapters/search/fts-search-index.ts";
import { openDatabase } from "../../../src/sqlite/sqlite.ts";
import { product } from "./sample-products.ts";
import { searchConformance } from "./search-conformance.ts";

const dir = mkdtempSync(join(tmpdir(), "catalog-jobs-fts-"));
let n = 0;

searchConformance("SQLite FTS5", {
  open: () => FtsSearchIndex.open(join(dir, `conformance-${++n}.db`)),
  teardown: async () => rmSync(dir, { recursive: true, force: true }),
});

const test = suite("SQLite FTS5 search index");
const fresh = () => FtsSearchIndex.open(join(dir, `fts-${++n}.db`));

test("the embedded default lives in DATA_DIR/search.db", async () => {
  const dataDir = join(dir, `data-${++n}`);
  const index = await createSearchIndex({ elasticsearchUrl: null, dataDir });
  assert.is(index.kind, "fts5");
  await index.upsert([product(1)]);
  assert.ok(existsSync(join(dataDir, "search.db")));
  await index.close();
});

test("user text becomes quoted words with only the last one a prefix", () => {
  assert.is(toFtsQuery("wireless mou"), '"wireless" "mou"*');
  assert.is(toFtsQuery('name:"x" OR ('), '"name" "x" "OR"*');
  assert.is(toFtsQuery("SKU-00042"), '"SKU" "00042"*');
  assert.is(toFtsQuery("  ***  "), null);
});

test("random punctuation and unicode never make a query fail", async () => {
  const index = await fresh();
  await index.upsert([product(1, { name: "Wireless Mouse" })]);
  const alphabet = ['"', "'", "(", ")", "*", "^", ":", "-", "+", "~", "{", "}", "[", "]", "\\", " ", "a", "é", "\u0301", "0", "AND", "OR", "NOT", "NEAR", ",", ".", "🙂", "\u0000"];
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % alphabet.length;
  for (let i = 0; i < 500; i++) {
    const q = Array.from({ length: 1 + (i % 12) }, () => alphabet[next()]).join("");
    await index.search(q, { limit: 5, offset: 0 });
  }
  await index.close();
});

test("an upsert is one transaction: a bad product leaves none of the batch written", async () => {
  const index = await fresh();
  await index.upsert([product(1, { name: "Kept" })]);
  const bad = product(3, { name: null as unknown as string });
  const err = await index.upsert([product(2, { name: "Batch member" }), bad]).then(
    () => null,
    (e: Error) => e,
  );
  assert.ok(err, "a NULL name should be refused by the NOT NULL column");
  assert.equal(await index.ids(0, 10), [1]);
  assert.is((await index.search("batch", { limit: 5, offset: 0 })).total, 0);
  await index.close();
});

test("re-sending an unchanged product leaves its row alone", async () => {
  const path = join(dir, `fts-${++n}.db`);
  const index = await FtsSearchIndex.open(path);
  await index.upsert([product(1, { name: "Same" })]);
  const db = await openDatabase(path);
  const before = db.prepare("SELECT count(*) AS n FROM search_fts_data").get<{ n: number }>()!.n;
  await index.upsert([product(1, { name: "Same" })]);
  const after = db.prepare("SELECT count(*) AS n FROM search_fts_data").get<{ n: number }>()!.n;
  assert.is(after, before, "the FTS index was rewritten for an identical document");
  db.close();
  await index.close();
});

test("the index and its documents stay in step through updates and deletes", async () => {
  const path = join(dir, `fts-${++n}.db`);
  const index = await FtsSearchIndex.open(path);
  await index.upsert(Array.from({ length: 200 }, (_, i) => product(i + 1, { name: `Item ${i}` })));
  await index.upsert(Array.from({ length: 100 }, (_, i) => product(i + 1, { name: `Renamed ${i}` })));
  await index.remove(Array.from({ length: 50 }, (_, i) => i + 151));
  const db = await openDatabase(path);
  // FTS5's own consistency check fails loudly if the external content and the index disagree.
  db.exec("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)");
  db.close();
  assert.is(await index.count(), 150);
  assert.is((await index.search("renamed", { limit: 1, offset: 0 })).total, 100);
  assert.is((await index.search("item", { limit: 1, offset: 0 })).total, 50);
  await index.close();
});

test("an index file from an older schema version is rebuilt on ensure", async () => {
  const path = join(dir, `fts-${++n}.db`);
  const index = await FtsSearchIndex.open(path);
  await index.upsert([product(1)]);
  await index.close();
  const db = await openDatabase(path);
  db.exec("PRAGMA user_version = 0");
  db.close();
  const again = await FtsSearchIndex.open(path);
  await again.ensure();
  assert.is(await again.count(), 0, "stale documents dropped; the sync refills the index");
  await again.close();
});

test("a rebuild that fails part-way reads as a missing index until one completes", async () => {
  const index = await fresh();
  await index.upsert([product(1, { name: "Old" })]);
  function* failing() {
    yield [product(2, { name: "New" })];
    throw new Error("catalog went away");
  }
  const err = await index.rebuild(failing()).then(
    () => null,
    (e: Error) => e,
  );
  assert.match(err?.message ?? "", /catalog went away/);
  assert.is(await index.exists(), false);
  assert.equal(await index.search("new", { limit: 5, offset: 0 }), { total: 0, hits: [] });
  assert.is(await index.rebuild([[product(3, { name: "Rebuilt" })]]), 1);
  assert.is(await index.exists(), true);
  assert.equal((await index.search("rebuilt", { limit: 5, offset: 0 })).hits.map((h) => h.id), [3]);
  await index.close();
});

test("writes that arrive during a rebuild end up in the rebuilt index", async () => {
  const path = join(dir, `fts-${++n}.db`);
  const index = await FtsSearchIndex.open(path);
  await index.upsert([product(1, { name: "Existing" }), product(2, { name: "Doomed" })]);
  async function* batches() {
    yield [product(1, { name: "Existing" }), product(2, { name: "Doomed" })];
    // Product events applied while the full sync is still streaming:
    await index.upsert([product(1, { name: "Edited" }), product(3, { name: "Arrived" })]);
    await index.remove([2]);
    yield [product(4, { name: "Last" })];
  }
  await index.rebuild(batches());
  const db = await openDatabase(path);
  db.exec("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)");
  db.close();
  assert.equal(await index.ids(0, 10), [1, 3, 4]);
  assert.equal((await index.search("edited", { limit: 5, offset: 0 })).hits.map((h) => h.id), [1]);
  assert.equal((await index.search("arrived", { limit: 5, offset: 0 })).hits.map((h) => h.id), [3]);
  assert.is((await index.search("existing", { limit: 5, offset: 0 })).total, 0);
  await index.close();
});

test("calls after close reject", async () => {
  const index = await fresh();
  await index.close();
  await index.close();
  assert.ok(await index.count().then(() => false, () => true));
});

test.run();
