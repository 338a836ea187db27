// The backing services jobs and services run on, built two ways for the same tests:
//   embedded — SQLite catalog, in-process cache, FTS5 index, in-process bus (the defaults);
//   real     — PostgreSQL (database catalog_jobs_test, a schema per run), Redis (a key prefix per
//              run), RabbitMQ (an exchange per run), and the FTS5 index (no Elasticsearch here).
// Each backend reads back what jobs wrote the way a user would: the real Redis key with its
// prefix (redis-cli GET), the messages a queue bound to the exchange received.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { connect } from "amqplib";
import { Redis } from "ioredis";
import postgres from "postgres";
import { systemClock } from "../../src/actors/runtime/clock.ts";
import { VirtualClock } from "../../src/actors/runtime/virtual-clock.ts";
import type { JobContext } from "../../src/actors/runtime/job-definition.ts";
import type { ServiceContext } from "../../src/actors/runtime/service-definition.ts";
import type { CatalogServices } from "../../src/actors/worker-services.ts";
import { type CatalogEvent, type EventBus } from "../../src/adapters/bus/event-bus.ts";
import { MemoryBus } from "../../src/adapters/bus/memory-bus.ts";
import { RabbitMqBus } from "../../src/adapters/bus/rabbitmq-bus.ts";
import type { Cache } from "../../src/adapters/cache/cache.ts";
import { MemoryCache } from "../../src/adapters/cache/memory-cache.ts";
import { RedisCache } from "../../src/adapters/cache/redis-cache.ts";
import type { CatalogStore, NewProduct } from "../../src/adapters/catalog/catalog-store.ts";
import { createPostgresCatalogStore } from "../../src/adapters/catalog/postgres-catalog-store.ts";
import { openSqliteCatalogStore } from "../../src/adapters/catalog/sqlite-catalog-store.ts";
import { FtsSearchIndex } from "../../src/adapters/search/fts-search-index.ts";
import type { SearchIndex } from "../../src/adapters/search/search-index.ts";
import type { Config } from "../../src/config.ts";
import { loadConfig } from "../../src/config.ts";
import { createLogger, type LogRecord, memorySink } from "../../src/logger.ts";

export const PG_SERVER = process.env.CATALOG_TEST_PG ?? "postgres://postgres@127.0.0.1:5432";
export const PG_URL = `${PG_SERVER}/catalog_jobs_test`;
export const REDIS_URL = process.env.CATALOG_TEST_REDIS ?? "redis://127.0.0.1:6379";
export const RABBITMQ_URL = process.env.CATALOG_TEST_RABBITMQ ?? "amqp://guest:guest@127.0.0.1:5672";

export interface Backend {
  name: "embedded" | "real";
  /** The catalog's clock: tests move it to stamp changes at known instants. */
  clock: VirtualClock;
  dir: string;
  services: CatalogServices;
  logs: ReturnType<typeof memorySink>;
  purged: { calls: number; result: number };
  /** A cache key as a user reads it: redis-cli GET <prefix><key>, or the in-process cache. */
  readKey<T = unknown>(key: string): Promise<T | null>;
  /** Every key the run wrote (without prefix), sorted. */
  allKeys(): Promise<string[]>;
  /** Starts collecting the events published on `pattern` (a queue bound to the real exchange). */
  collect(pattern: string): Promise<Collector>;
  /** Empties catalog, cache and index between tests. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export interface Collector {
  events: CatalogEvent[];
  /** Resolves once `n` events have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<CatalogEvent[]>;
  close(): Promise<void>;
}

function collector(): Collector & { push(e: CatalogEvent): void; onClose?: () => Promise<void> } {
  const waiters: { n: number; resolve: () => void }[] = [];
  const c = {
    events: [] as CatalogEvent[],
    onClose: undefined as undefined | (() => Promise<void>),
    push(e: CatalogEvent) {
      c.events.push(e);
      for (const w of waiters.filter((w) => c.events.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    waitFor(n: number, timeoutMs = 10_000) {
      if (c.events.length >= n) return Promise.resolve(c.events);
      return new Promise<CatalogEvent[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${c.events.length} of ${n} events arrived within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({ n, resolve: () => (clearTimeout(timer), resolve(c.events)) });
      });
    },
    async close() {
      await c.onClose?.();
    },
  };
  return c;
}

function makeLogger() {
  const logs = memorySink();
  return { logs, logger: createLogger({ category: "test", sink: logs, level: "debug" }) };
}

async function fts(dir: string): Promise<SearchIndex> {
  return FtsSearchIndex.open(join(dir, "search.db"));
}

export async function embeddedBackend(start = "2025-12-15T00:00:00Z"): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), "cj-jobs-"));
  const clock = new VirtualClock(start);
  const { logs, logger } = makeLogger();
  let catalog: CatalogStore = await openSqliteCatalogStore(join(dir, "catalog.db"), { now: () => clock.now() });
  await catalog.migrate();
  let cache: Cache = new MemoryCache({ clock });
  let search = await fts(dir);
  const channel = `test-${randomUUID()}`;
  const bus: EventBus = new MemoryBus({ channel, logger });
  const purged = { calls: 0, result: 0 };
  const services: CatalogServices = {
    catalog,
    cache,
    search,
    bus,
    logger,
    runtime: { purgeExpired: async () => (purged.calls++, purged.result) },
  };
  return {
    name: "embedded",
    clock,
    dir,
    services,
    logs,
    purged,
    readKey: (key) => cache.get(key),
    allKeys: () => cache.keys("*"),
    async collect(pattern) {
      const c = collector();
      const listener = new MemoryBus({ channel, logger });
      const sub = await listener.subscribe(pattern, (e) => c.push(e));
      c.onClose = async () => {
        await sub.close();
        await listener.close();
      };
      return c;
    },
    async reset() {
      await catalog.close();
      await cache.close();
      await search.close();
      rmSync(join(dir, "catalog.db"), { force: true });
      rmSync(join(dir, "catalog.db-wal"), { force: true });
      rmSync(join(dir, "catalog.db-shm"), { force: true });
      rmSync(join(dir, "search.db"), { force: true });
      rmSync(join(dir, "search.db-wal"), { force: true });
      rmSync(join(dir, "search.db-shm"), { force: true });
      catalog = services.catalog = await openSqliteCatalogStore(join(dir, "catalog.db"), { now: () => clock.now() });
      await catalog.migrate();
      cache = services.cache = new MemoryCache({ clock });
      search = services.search = await fts(dir);
      logs.records.length = 0;
      purged.calls = 0;
    },
    async close() {
      await Promise.allSettled([catalog.close(), cache.close(), search.close(), bus.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let databaseReady: Promise<void> | null = null;
/** Creates catalog_jobs_test on first use; nothing else on the server is touched. */
export function ensureTestDatabase(): Promise<void> {
  databaseReady ??= (async () => {
    const boot = postgres(`${PG_SERVER}/postgres`, { max: 1, onnotice: () => {} });
    try {
      const [exists] = await boot`SELECT 1 FROM pg_database WHERE datname = 'catalog_jobs_test'`;
      if (!exists) await boot.unsafe("CREATE DATABASE catalog_jobs_test").catch(() => {}); // a parallel run may win
    } finally {
      await boot.end();
    }
  })();
  return databaseReady;
}

export async function realBackend(start = "2025-12-15T00:00:00Z"): Promise<Backend> {
  await ensureTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), "cj-jobs-real-"));
  const clock = new VirtualClock(start);
  const { logs, logger } = makeLogger();
  const run = `${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
  const schema = `jobs_test_${run}`;
  const prefix = `cj-test:${run}:`;
  const exchange = `cj-test.${run}`;
  const admin = postgres(PG_URL, { max: 1, onnotice: () => {} });
  const catalog = createPostgresCatalogStore({ url: PG_URL, schema, now: () => clock.now(), maxConnections: 2, applicationName: `cj-test-${run}` });
  await catalog.migrate();
  const cache = new RedisCache({ url: REDIS_URL, prefix, clock: systemClock, connectionName: `cj-test-${run}` });
  const redis = new Redis(REDIS_URL);
  let search = await fts(dir);
  const bus = await RabbitMqBus.open({ url: RABBITMQ_URL, clock: systemClock, exchange, logger });
  const amqp = await connect(RABBITMQ_URL);
  const purged = { calls: 0, result: 0 };
  const services: CatalogServices = {
    catalog,
    cache,
    search,
    bus,
    logger,
    runtime: { purgeExpired: async () => (purged.calls++, purged.result) },
  };
  const ownKeys = async () => {
    const out: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      out.push(...keys);
    } while (cursor !== "0");
    return out;
  };
  return {
    name: "real",
    clock,
    dir,
    services,
    logs,
    purged,
    async readKey<T>(key: string) {
      const text = await redis.get(prefix + key);
      return text === null ? null : (JSON.parse(text) as T);
    },
    async allKeys() {
      return (await ownKeys()).map((k) => k.slice(prefix.length)).sort();
    },
    async collect(pattern) {
      const c = collector();
      const ch = await amqp.createChannel();
      await ch.assertExchange(exchange, "topic", { durable: true });
      const { queue } = await ch.assertQueue("", { exclusive: true, autoDelete: true });
      await ch.bindQueue(queue, exchange, pattern);
      await ch.consume(queue, (m) => {
        if (!m) return;
        c.push(JSON.parse(m.content.toString()) as CatalogEvent);
        ch.ack(m);
      });
      c.onClose = () => ch.close();
      return c;
    },
    async reset() {
      await admin.unsafe(`TRUNCATE "${schema}".products, "${schema}".categories RESTART IDENTITY`);
      const keys = await ownKeys();
      if (keys.length) await redis.del(...keys);
      await search.close();
      for (const f of ["search.db", "search.db-wal", "search.db-shm"]) rmSync(join(dir, f), { force: true });
      search = services.search = await fts(dir);
      logs.records.length = 0;
      purged.calls = 0;
    },
    async close() {
      const keys = await ownKeys().catch(() => []);
      if (keys.length) await redis.del(...keys);
      await Promise.allSettled([catalog.close(), cache.close(), search.close(), bus.close()]);
      const ch = await amqp.createChannel();
      await ch.deleteExchange(exchange).catch(() => {});
      await amqp.close().catch(() => {});
      redis.disconnect();
      await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const BACKENDS = [
  { name: "embedded", open: embeddedBackend },
  { name: "real PostgreSQL, Redis and RabbitMQ", open: realBackend },
] as const;

// ---- catalogs with known figures ------------------------------------------------------------

export interface KnownCatalog {
  categoryIds: Record<string, number>;
  productIds: Record<string, number>;
}

/**
 * Seven products over three categories (and one empty category), stock chosen so every alert
 * level appears: totals 6 live active products (one inactive, one soft-deleted don't count).
 */
export async function knownCatalog(catalog: CatalogStore): Promise<KnownCatalog> {
  const books = await catalog.createCategory({ name: "Books", description: "Paper" });
  const tools = await catalog.createCategory({ name: "Tools" });
  const toys = await catalog.createCategory({ name: "Toys" });
  await catalog.createCategory({ name: "Empty" });
  const rows: (NewProduct & { key: string })[] = [
    { key: "novel", sku: "BK-1", name: "Quiet Novel", categoryId: books.id, priceCents: 1999, stockQuantity: 100, popularity: 50 },
    { key: "atlas", sku: "BK-2", name: "World Atlas", categoryId: books.id, priceCents: 4550, stockQuantity: 0, popularity: 900 },
    { key: "drill", sku: "TL-1", name: "Cordless Drill", categoryId: tools.id, priceCents: 12999, stockQuantity: 3, popularity: 700 },
    { key: "saw", sku: "TL-2", name: "Hand Saw", categoryId: tools.id, priceCents: 2500, stockQuantity: 8, popularity: 10 },
    { key: "kite", sku: "TY-1", name: "Stunt Kite", categoryId: toys.id, priceCents: 3333, stockQuantity: 10, popularity: 300 },
    { key: "yoyo", sku: "TY-2", name: "Glow Yoyo", categoryId: toys.id, priceCents: 499, stockQuantity: 1000, popularity: 5 },
    { key: "hidden", sku: "TY-3", name: "Retired Top", categoryId: toys.id, priceCents: 100, stockQuantity: 5, isActive: false, popularity: 1 },
    { key: "gone", sku: "TY-4", name: "Deleted Ball", categoryId: toys.id, priceCents: 100, stockQuantity: 2, popularity: 1000 },
  ];
  const productIds: Record<string, number> = {};
  for (const { key, ...r } of rows) productIds[key] = (await catalog.createProduct(r)).id;
  await catalog.deleteProduct(productIds.gone);
  return { categoryIds: { books: books.id, tools: tools.id, toys: toys.id }, productIds };
}

/** Σ price × stock of the live, active products above, in cents. */
export const KNOWN_TOTAL_VALUE_CENTS = 1999 * 100 + 4550 * 0 + 12999 * 3 + 2500 * 8 + 3333 * 10 + 499 * 1000;

// ---- contexts --------------------------------------------------------------------------------

export interface RecordedContext<A> {
  ctx: JobContext<A, CatalogServices>;
  /** ctx.log lines (the job's own log, as the dashboard shows it). */
  jobLog: { level: string; message: string }[];
  progress: { percent: number; message?: string }[];
}

export function jobContext<A = null>(services: CatalogServices, opts: { scheduledFor: number | string; args?: A; attempt?: number; type?: string }): RecordedContext<A> {
  const jobLog: { level: string; message: string }[] = [];
  const progress: { percent: number; message?: string }[] = [];
  const ctx: JobContext<A, CatalogServices> = {
    jobId: "test-1",
    type: opts.type ?? "test",
    args: (opts.args ?? null) as A,
    attempt: opts.attempt ?? 1,
    signal: new AbortController().signal,
    progress: (percent, message) => void progress.push({ percent, message }),
    log: (message, level = "info") => void jobLog.push({ level, message }),
    services,
    scheduledFor: typeof opts.scheduledFor === "string" ? Date.parse(opts.scheduledFor) : opts.scheduledFor,
  };
  return { ctx, jobLog, progress };
}

export function serviceContext(services: CatalogServices, config: Config, now: () => number) {
  const sink = memorySink();
  const progress: { percent: number; message?: string }[] = [];
  const controller = new AbortController();
  const ctx: ServiceContext<CatalogServices, Config> = {
    services,
    logger: createLogger({ category: "service-test", sink, level: "debug" }),
    signal: controller.signal,
    config,
    now,
    progress: (percent, message) => void progress.push({ percent, message }),
  };
  return { ctx, logs: sink, progress, controller };
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ SEED_ON_START: "false", ...env });
}

export const messages = (records: LogRecord[]) => records.map((r) => r.message);
