// The PostgreSQL store against the real server on this machine, in a database of its own
// (catalog_jobs_test) and a schema per run, dropped at the end.
import { readdirSync, readFileSync } from "node:fs";
import process from "node:process";
import postgres from "postgres";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import type { CatalogStore } from "../../../src/adapters/catalog/catalog-store.ts";
import { createCatalogStore } from "../../../src/adapters/catalog/create-catalog-store.ts";
import { createPostgresCatalogStore } from "../../../src/adapters/catalog/postgres-catalog-store.ts";
import { fromPostgres } from "../../../src/adapters/catalog/catalog-errors.ts";
import { DependencyUnavailableError, ValidationError } from "../../../src/errors.ts";
import { projectPath } from "../../../src/paths.ts";
import { catalogConformance, rejection } from "./catalog-conformance.ts";

const SERVER = process.env.CATALOG_TEST_PG ?? "postgres://postgres@127.0.0.1:5432";
const URL = `${SERVER}/catalog_jobs_test`;
const schema = `catalog_test_${process.pid}_${Date.now().toString(36)}`;
const now = () => Date.UTC(2025, 11, 15);

// The test database is created on first use; nothing else on the server is touched.
const bootstrap = postgres(`${SERVER}/postgres`, { max: 1, onnotice: () => {} });
const [exists] = await bootstrap`SELECT 1 FROM pg_database WHERE datname = 'catalog_jobs_test'`;
if (!exists) await bootstrap.unsafe("CREATE DATABASE catalog_jobs_test").catch(() => {}); // a parallel run may win
await bootstrap.end();

const admin = postgres(URL, { max: 2, onnotice: () => {} });

let migrated = false;
catalogConformance("PostgreSQL", {
  async open(now) {
    const store = createPostgresCatalogStore({ url: URL, schema, now, maxConnections: 2 });
    if (!migrated) await store.migrate(); // once per run; each test then starts from empty tables
    migrated = true;
    await admin.unsafe(`TRUNCATE "${schema}".products, "${schema}".categories RESTART IDENTITY`);
    return store;
  },
});

const test = suite("PostgreSQL catalog store");

let apps = 0;
/** A migrated, empty store whose connections carry a name of their own, to find and kill them. */
async function openNamed(): Promise<{ store: CatalogStore; app: string }> {
  const app = `catalog-test-${process.pid}-${++apps}`;
  const store = createPostgresCatalogStore({ url: URL, schema, now, applicationName: app, maxConnections: 3 });
  await store.migrate();
  await admin.unsafe(`TRUNCATE "${schema}".products, "${schema}".categories RESTART IDENTITY`);
  return { store, app };
}

async function terminate(app: string): Promise<number> {
  const rows = await admin`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ${app}`;
  return rows.length;
}

test("the factory picks PostgreSQL when DATABASE_URL is set", async () => {
  const store = await createCatalogStore({ databaseUrl: URL, dataDir: "/nonexistent" }, { now });
  assert.is(store.kind, "postgres");
  await store.ping();
  await store.close();
});

test("reads succeed right after the store's connections are terminated", async () => {
  const { store, app } = await openNamed();
  const cat = await store.createCategory({ name: "Books" });
  // Open every pooled connection, so each one dies.
  await Promise.all([store.listCategories(), store.countProducts(), store.getCategory(cat.id)]);
  assert.ok((await terminate(app)) > 0, "the store had connections to kill");
  assert.equal((await store.listCategories()).map((c) => c.name), ["Books"]);
  assert.is(await store.countProducts(), 0);
  await store.ping();
  await store.close();
});

test("a stream survives its connection being terminated between batches", async () => {
  const { store, app } = await openNamed();
  const cat = await store.createCategory({ name: "Books" });
  await store.insertProducts(
    Array.from({ length: 2_000 }, (_, i) => ({ sku: `ST-${i}`, name: `Book ${i}`, categoryId: cat.id, priceCents: 100, stockQuantity: 1 })),
  );
  let seen = 0;
  for await (const batch of store.streamProducts(500)) {
    if (seen === 0) await terminate(app);
    seen += batch.length;
  }
  assert.is(seen, 2_000);
  await store.close();
});

test("a write cut off by a dying connection fails as DependencyUnavailableError, and the next write succeeds", async () => {
  const { store, app } = await openNamed();
  const cat = await store.createCategory({ name: "Books" });
  // Hold a lock so the store's insert waits on the server, then kill it mid-statement.
  const blocker = await admin.reserve();
  await blocker`BEGIN`;
  await blocker.unsafe(`LOCK TABLE "${schema}".products IN EXCLUSIVE MODE`);
  const write = rejection(store.createProduct({ sku: "W-1", name: "Cut off", categoryId: cat.id, priceCents: 1, stockQuantity: 1 }));
  for (;;) {
    const [waiting] = await admin`SELECT 1 FROM pg_stat_activity WHERE application_name = ${app} AND wait_event_type = 'Lock'`;
    if (waiting) break;
  }
  await terminate(app);
  const err = await write;
  await blocker`ROLLBACK`;
  blocker.release();
  assert.instance(err, DependencyUnavailableError);
  assert.is((err as DependencyUnavailableError).dependency, "catalog");
  // The server's "terminating connection" (57P01) or the socket closing first, by timing.
  assert.match(String((err.cause as { code?: string }).code), /^(57P01|ECONNRESET|CONNECTION_CLOSED)$/);
  const p = await store.createProduct({ sku: "W-1", name: "Second try", categoryId: cat.id, priceCents: 1, stockQuantity: 1 });
  assert.is(p.name, "Second try");
  await store.close();
});

test("an unreachable server is a DependencyUnavailableError for the catalog, with the driver's error as cause", async () => {
  const store = createPostgresCatalogStore({ url: "postgres://postgres@127.0.0.1:1/catalog_jobs_test", now });
  const err = await rejection(store.ping());
  assert.instance(err, DependencyUnavailableError);
  assert.is((err as DependencyUnavailableError).dependency, "catalog");
  assert.match(String((err.cause as { code?: string }).code), /ECONNREFUSED/);
  await store.close();
});

test("text PostgreSQL cannot store (a NUL, 22021) maps to a ValidationError, not a server failure", async () => {
  // The input checks refuse NUL before a query; this is the net behind them, fed the real error.
  const raw = await rejection(admin`SELECT ${"a\u0000b"}::text AS t`);
  assert.is((raw as { code?: string }).code, "22021");
  const err = fromPostgres(raw) as ValidationError;
  assert.instance(err, ValidationError);
  assert.is(err.field, "body");
  assert.match(err.message, /cannot store \(such as NUL, U\+0000\); remove control characters/);
  assert.is(err.cause, raw);
});

test("two stores migrating one empty schema at the same time both succeed", async () => {
  const fresh = `${schema}_race`;
  const a = createPostgresCatalogStore({ url: URL, schema: fresh, now });
  const b = createPostgresCatalogStore({ url: URL, schema: fresh, now });
  try {
    await Promise.all([a.migrate(), b.migrate()]);
    await a.createCategory({ name: "Books" });
    assert.equal((await b.listCategories()).map((c) => c.name), ["Books"]);
  } finally {
    await a.close();
    await b.close();
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${fresh}" CASCADE`);
  }
});

test("the migrations name no schema, so the catalog can live in any schema", () => {
  const folder = projectPath("db", "catalog", "migrations", "pg");
  for (const file of readdirSync(folder).filter((f) => f.endsWith(".sql"))) {
    const sql = readFileSync(`${folder}/${file}`, "utf8");
    assert.not.match(sql, /"public"\./, `${file} names the public schema; drop the qualifier (see db/catalog/README.md)`);
  }
});

test.after(async () => {
  await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
});

test.run();
