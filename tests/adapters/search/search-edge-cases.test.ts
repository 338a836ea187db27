// Edge cases of the two search adapters: a delete before the index exists, a rebuild racing a
// write that auto-creates the index, and a query past the word limit (both adapters agree).
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ElasticsearchSearchIndex } from "../../../src/adapters/search/elasticsearch-search-index.ts";
import { FtsSearchIndex } from "../../../src/adapters/search/fts-search-index.ts";
import { FakeElasticsearch } from "./fake-elasticsearch.ts";
import { product } from "./sample-products.ts";

const es = (fake: FakeElasticsearch) =>
  new ElasticsearchSearchIndex({ node: "http://localhost:9200", clientOptions: { Connection: fake.connection() } });

test("ES remove() on an index that does not exist yet ignores the ids (as FTS5 does)", async () => {
  const fake = new FakeElasticsearch();
  const index = es(fake);
  // What an Elasticsearch 9 cluster answers to a delete-only _bulk on a missing index: delete
  // actions never auto-create an index (TransportBulkAction), so each item fails with 404.
  fake.failures.push(() => ({
    took: 0,
    errors: true,
    items: [{ delete: { _index: "products", _id: "7", status: 404,
      error: { type: "index_not_found_exception", reason: "no such index [products]", index: "products",
               "resource.type": "index_expression", "resource.id": "products", index_uuid: "_na_" } } }],
  }));
  await index.remove([7]); // a product.deleted event before the first sync: BulkWriteError today
  assert.is(await index.count(), 0);
});

test("ES recreate() does not adopt an index someone else auto-created between its delete and its create", async () => {
  const fake = new FakeElasticsearch();
  const index = es(fake);
  await index.ensure();
  // DELETE succeeds; before our PUT, another process's event handler (its adapter already
  // #ensured) sends a bulk index action and the cluster auto-creates "products" with a dynamic mapping.
  fake.failures.push(() => {
    fake.indices.delete("products");
    fake.indices.set("products", { settings: {}, mappings: { properties: { sku: { type: "text" } } }, docs: new Map() });
    return { acknowledged: true };
  });
  let err: unknown = null;
  await index.recreate().catch((e) => (err = e));
  const mapping = fake.indices.get("products")!.mappings as { dynamic?: string };
  assert.ok(err !== null || mapping.dynamic === "strict", "recreate resolved, but the index has the auto-created mapping");
});

test("FTS5 and Elasticsearch agree on a query past the 16-word limit: both drop the 17th word", async () => {
  const path = join(tmpdir(), `cj-search-edge-${process.pid}.db`);
  rmSync(path, { force: true });
  const fts = await FtsSearchIndex.open(path);
  const fake = new FakeElasticsearch();
  const elastic = es(fake);
  const docs = [product(1, { name: "a b c d e f g h i j k l m n o p" })];
  for (const ix of [fts, elastic]) { await ix.upsert(docs); await ix.refresh(); }
  const q = "a b c d e f g h i j k l m n o p zebra"; // 17 words, the last matches nothing
  const [f, e] = [await fts.search(q, { limit: 10, offset: 0 }), await elastic.search(q, { limit: 10, offset: 0 })];
  await fts.close();
  rmSync(path, { force: true });
  assert.is(f.total, e.total, `FTS5 found ${f.total}, Elasticsearch ${e.total}`);
  assert.is(f.total, 1);
});

test.run();
