// No Elasticsearch server can run here: the adapter talks to @elastic/elasticsearch-mock through a
// small fake cluster (fake-elasticsearch.ts). The conformance suite runs against it, and the tests
// below pin the exact requests — method, path, query string, headers, bodies, NDJSON lines — to
// what an Elasticsearch 9 cluster accepts, and the error paths to what such a cluster returns.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import {
  BulkWriteError,
  ElasticsearchSearchIndex,
  type ElasticsearchSearchIndexOptions,
} from "../../../src/adapters/search/elasticsearch-search-index.ts";
import { createSearchIndex } from "../../../src/adapters/search/create-search-index.ts";
import { DependencyUnavailableError } from "../../../src/errors.ts";
import { freePort } from "../cache/private-redis-server.ts";
import { esErrors, FakeElasticsearch } from "./fake-elasticsearch.ts";
import { product } from "./sample-products.ts";
import { searchConformance } from "./search-conformance.ts";

const NODE = "http://localhost:9200";

function open(fake: FakeElasticsearch, options: Partial<ElasticsearchSearchIndexOptions> = {}) {
  return new ElasticsearchSearchIndex({ node: NODE, ...options, clientOptions: { Connection: fake.connection() } });
}

searchConformance("Elasticsearch", { open: async () => open(new FakeElasticsearch()) });

// What PUT /products must carry: an Elasticsearch 9 create-index body with an explicit mapping.
const EXPECTED_CREATE_BODY = {
  settings: {
    number_of_shards: 1,
    auto_expand_replicas: "0-1",
    analysis: {
      normalizer: { product_keyword: { type: "custom", filter: ["lowercase", "asciifolding"] } },
      analyzer: { product_text: { type: "custom", tokenizer: "standard", filter: ["lowercase", "asciifolding"] } },
    },
  },
  mappings: {
    dynamic: "strict",
    properties: {
      id: { type: "long" },
      sku: { type: "keyword", normalizer: "product_keyword" },
      name: { type: "text", analyzer: "product_text" },
      description: { type: "text", analyzer: "product_text" },
      categoryId: { type: "integer" },
      categoryName: { type: "keyword", normalizer: "product_keyword" },
      priceCents: { type: "long" },
      stockQuantity: { type: "integer" },
      isActive: { type: "boolean" },
      updatedAt: { type: "date" },
    },
  },
};

const route = (r: { method: string; path: string; querystring: Record<string, string> }) =>
  `${r.method} ${r.path}${Object.keys(r.querystring).length ? "?" + new URLSearchParams(r.querystring) : ""}`;

const test = suite("Elasticsearch search index");

test("ensure checks for the index and creates it with the explicit mapping", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  await index.ensure();
  assert.equal(fake.requests.map(route), ["HEAD /products", "PUT /products"]);
  assert.equal(fake.requests[1].body, EXPECTED_CREATE_BODY);
  assert.match(fake.requests[1].headers["content-type"], /^application\/vnd\.elasticsearch\+json; compatible-with=9/);
  assert.match(fake.requests[1].headers["accept"], /compatible-with=9/);
  await index.close();
});

test("ensure leaves an existing index alone", async () => {
  const fake = new FakeElasticsearch();
  await open(fake).ensure();
  fake.requests.length = 0;
  const index = open(fake);
  await index.ensure();
  await index.ensure();
  assert.equal(fake.requests.map(route), ["HEAD /products"]);
});

test("ensure accepts an index another process created between the check and the create", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  fake.failures.push(
    () => new esErrors.ResponseError({ body: "", statusCode: 404, headers: {}, warnings: null, meta: {} } as never),
    () =>
      new esErrors.ResponseError({
        body: { error: { type: "resource_already_exists_exception", reason: "index [products/x] already exists" }, status: 400 },
        statusCode: 400,
        headers: {},
        warnings: null,
        meta: {} as never,
      } as never),
  );
  await index.ensure();
  assert.equal(fake.requests.map(route), ["HEAD /products", "PUT /products"]);
});

test("the index name is configurable", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake, { index: "catalog-products" });
  await index.upsert([product(1)]);
  assert.equal(fake.requests.map(route), ["HEAD /catalog-products", "PUT /catalog-products", "POST /catalog-products/_bulk?refresh=false"]);
});

test("upsert sends NDJSON bulk requests of at most 1000 actions with refresh=false", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  const products = Array.from({ length: 2500 }, (_, i) => product(i + 1));
  await index.upsert(products);
  const bulks = fake.requests.filter((r) => r.path.endsWith("/_bulk"));
  assert.equal(bulks.map(route), Array(3).fill("POST /products/_bulk?refresh=false"));
  assert.equal(
    bulks.map((b) => (b.body as unknown[]).length),
    [2000, 2000, 1000],
  );
  for (const b of bulks) assert.match(b.headers["content-type"], /^application\/vnd\.elasticsearch\+x-ndjson; compatible-with=9/);
  const [action, doc] = bulks[0].body as unknown[];
  assert.equal(action, { index: { _id: "1" } });
  assert.equal(doc, {
    id: 1,
    sku: "SKU-00001",
    name: "Product 1",
    description: "",
    categoryId: 1,
    categoryName: "General",
    priceCents: 1999,
    stockQuantity: 10,
    isActive: true,
    updatedAt: "2025-12-01T00:00:00.000Z",
  });
  assert.equal((bulks[2].body as unknown[])[998], { index: { _id: "2500" } });
  assert.not.ok(fake.autoCreated, "a bulk write reached a missing index");
  assert.is(fake.indices.get("products")!.docs.size, 2500);
});

test("a deleted product becomes a delete action without a document line", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  await index.upsert([product(1), product(2, { deletedAt: "2025-12-02T00:00:00.000Z" })]);
  const bulk = fake.requests.find((r) => r.path.endsWith("/_bulk"))!;
  assert.equal((bulk.body as unknown[]).length, 3);
  assert.equal((bulk.body as unknown[])[2], { delete: { _id: "2" } });
});

test("remove sends delete actions in batches and accepts documents that are already gone", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake, { bulkBatchSize: 2 });
  await index.upsert([product(1), product(2)]);
  fake.requests.length = 0;
  await index.remove([1, 2, 3]);
  assert.equal(fake.requests.map(route), ["POST /products/_bulk?refresh=false", "POST /products/_bulk?refresh=false"]);
  assert.equal(fake.requests[0].body, [{ delete: { _id: "1" } }, { delete: { _id: "2" } }]);
  assert.equal(fake.requests[1].body, [{ delete: { _id: "3" } }]);
});

test("documents the cluster refuses in a bulk response fail the write and are named", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  const bad = product(2, { stockQuantity: 1.5 });
  const err = await index.upsert([product(1), bad, product(3)]).then(
    () => null,
    (e: Error) => e,
  );
  assert.instance(err, BulkWriteError);
  const failures = (err as BulkWriteError).failures;
  assert.equal(failures, [
    { id: "2", action: "index", status: 400, type: "document_parsing_exception", reason: "[1:1] failed to parse field [stockQuantity] of type [integer]" },
  ]);
  assert.match(err!.message, /refused 1 of 3 documents/);
  assert.match(err!.message, /index 2: document_parsing_exception/);
});

test("bulk items rejected because the cluster is overloaded (429) are an outage to retry", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  await index.ensure();
  fake.failures.push(() => ({
    took: 3,
    errors: true,
    items: [
      {
        index: {
          _index: "products",
          _id: "1",
          status: 429,
          error: { type: "es_rejected_execution_exception", reason: "rejected execution of coordinating operation" },
        },
      },
    ],
  }));
  const err = await index.upsert([product(1)]).then(
    () => null,
    (e: Error) => e,
  );
  assert.instance(err, DependencyUnavailableError);
  assert.is((err as DependencyUnavailableError).dependency, "search");
});

test("search sends a bool_prefix multi_match with fuzziness over the boosted fields", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  await index.ensure();
  fake.requests.length = 0;
  await index.search("  wireless mou ", { limit: 20, offset: 40 });
  assert.equal(fake.requests.map(route), ["POST /products/_search"]);
  assert.equal(fake.requests[0].body, {
    from: 40,
    size: 20,
    track_total_hits: true,
    _source: ["sku", "name", "description", "categoryName", "priceCents", "stockQuantity"],
    query: {
      bool: {
        must: [
          {
            multi_match: {
              query: "wireless mou",
              type: "bool_prefix",
              fields: ["sku^5", "name^3", "description", "categoryName"],
              operator: "and",
              fuzziness: "AUTO",
              prefix_length: 1,
            },
          },
        ],
        should: [{ term: { sku: { value: "wireless mou", boost: 10 } } }],
      },
    },
  });
});

test("a query without words is answered without a request", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  assert.equal(await index.search(" *!? ", { limit: 10, offset: 0 }), { total: 0, hits: [] });
  assert.equal(fake.requests, []);
});

test("ids pages with a range query sorted on the id field, without sources", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  await index.upsert([product(1), product(2), product(3)]);
  fake.requests.length = 0;
  assert.equal(await index.ids(1, 500), [2, 3]);
  assert.equal(fake.requests.map(route), ["POST /products/_search"]);
  assert.equal(fake.requests[0].body, {
    size: 500,
    track_total_hits: false,
    _source: false,
    sort: [{ id: "asc" }],
    query: { range: { id: { gt: 1 } } },
  });
});

test("count, refresh and recreate use the index APIs", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  await index.ensure();
  fake.requests.length = 0;
  await index.count();
  await index.refresh();
  await index.recreate();
  assert.equal(fake.requests.map(route), ["GET /products/_count", "GET /products/_refresh", "DELETE /products", "PUT /products"]);
  assert.equal(fake.requests[3].body, EXPECTED_CREATE_BODY);
});

test("rebuild recreates the index, bulk-writes every batch and refreshes once at the end", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  await index.rebuild([[product(1), product(2)], [product(3)]]);
  assert.equal(fake.requests.map(route), [
    "DELETE /products",
    "PUT /products",
    "POST /products/_bulk?refresh=false",
    "POST /products/_bulk?refresh=false",
    "GET /products/_refresh",
  ]);
});

test("a cluster answering 503 makes calls fail with DependencyUnavailableError after the client's retries", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  const unavailable = () =>
    new esErrors.ResponseError({
      body: { error: { type: "cluster_block_exception", reason: "blocked by: [SERVICE_UNAVAILABLE/1/state not recovered]" }, status: 503 },
      statusCode: 503,
      headers: {},
      warnings: null,
      meta: {} as never,
    } as never);
  fake.failures.push(unavailable, unavailable, unavailable);
  const err = await index.count().then(
    () => null,
    (e: Error) => e,
  );
  assert.instance(err, DependencyUnavailableError);
  assert.is((err as DependencyUnavailableError).dependency, "search");
  assert.match(err!.message, /http:\/\/localhost:9200/);
  assert.is(fake.requests.length, 3, "one request and two retries");
});

test("a connection error from the client becomes DependencyUnavailableError", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  for (let i = 0; i < 3; i++) fake.failures.push(() => new esErrors.ConnectionError("connect ECONNREFUSED 127.0.0.1:9200"));
  const err = await index.search("mouse", { limit: 5, offset: 0 }).then(
    () => null,
    (e: Error) => e,
  );
  assert.instance(err, DependencyUnavailableError);
  assert.match(err!.message, /could not search/);
});

test("a node nobody listens on fails with DependencyUnavailableError", async () => {
  const port = await freePort();
  const index = new ElasticsearchSearchIndex({ node: `http://127.0.0.1:${port}` });
  for (const call of [() => index.ping(), () => index.exists(), () => index.upsert([product(1)])]) {
    const err = await call().then(
      () => null,
      (e: Error) => e,
    );
    assert.instance(err, DependencyUnavailableError);
    assert.match(err!.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
  }
  await index.close();
});

test("a request the cluster rejects as malformed is not reported as an outage", async () => {
  const fake = new FakeElasticsearch();
  const index = open(fake);
  await index.ensure();
  fake.failures.push(() =>
    new esErrors.ResponseError({
      body: { error: { type: "parsing_exception", reason: "[multi_match] unknown token" }, status: 400 },
      statusCode: 400,
      headers: {},
      warnings: null,
      meta: {} as never,
    } as never),
  );
  const err = await index.search("mouse", { limit: 5, offset: 0 }).then(
    () => null,
    (e: Error) => e,
  );
  assert.ok(err);
  assert.not.instance(err, DependencyUnavailableError);
  assert.match(err!.message, /parsing_exception/);
});

test("credentials in ELASTICSEARCH_URL never appear in error messages", async () => {
  const port = await freePort();
  const index = new ElasticsearchSearchIndex({ node: `http://elastic:s3cret@127.0.0.1:${port}` });
  const err = await index.count().then(
    () => null,
    (e: Error) => e,
  );
  assert.instance(err, DependencyUnavailableError);
  assert.not.match(err!.message, /s3cret/);
  await index.close();
});

test("configuration with ELASTICSEARCH_URL selects the Elasticsearch index", async () => {
  const index = await createSearchIndex({ elasticsearchUrl: NODE, dataDir: "./unused" });
  assert.is(index.kind, "elasticsearch");
  await index.close();
});

test.run();
