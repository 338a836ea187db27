// Fills the catalog with sample products: `npm run seed -- --products 1000000 [--batch 5000]`.
// Targets DATABASE_URL when set, else the SQLite catalog in DATA_DIR (the app's own config).
// New products continue after the highest id present, so running it again adds more instead of
// colliding on SKUs. Memory stays bounded: one batch is generated while the previous one is being
// inserted (each batch is one transaction), and nothing else is kept.
import process from "node:process";
import { parseArgs } from "node:util";
import { systemClock } from "../src/actors/runtime/clock.ts";
import { loadConfig } from "../src/config.ts";
import { createCatalogStore } from "../src/adapters/catalog/create-catalog-store.ts";
import { ensureSampleCategories, generateProducts } from "../src/adapters/catalog/sample-catalog.ts";

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replaceAll("_", ""));
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} must be a whole number of at least 1; got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const { values } = parseArgs({
  options: { products: { type: "string" }, batch: { type: "string" } },
  strict: true,
});
const total = positiveInt("products", values.products, 150);
const batchSize = positiveInt("batch", values.batch, 5_000);

const config = loadConfig(process.env);
const store = await createCatalogStore(config, { now: systemClock.now });
const target = config.databaseUrl ? `PostgreSQL ${new URL(config.databaseUrl).host}` : `SQLite in ${config.dataDir}`;
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

try {
  await store.migrate();
  const categoryIds = await ensureSampleCategories(store);
  const start = await store.maxProductId();
  console.log(`Seeding ${fmt(total)} products into ${target} (batches of ${fmt(batchSize)}), from index ${fmt(start)}`);

  const began = performance.now();
  let lastReport = began;
  let done = 0;
  // Two batches in flight measured no faster on PostgreSQL: the server's index maintenance is
  // the bound (~50 µs a row on 1M rows), so one insert overlaps with generating the next batch.
  let inFlight: Promise<number> | null = null;
  for (let offset = 0; offset < total; offset += batchSize) {
    const rows = [...generateProducts(Math.min(batchSize, total - offset), start + offset, categoryIds)];
    if (inFlight) done += await inFlight;
    inFlight = store.insertProducts(rows);
    const now = performance.now();
    if (now - lastReport >= 1_000) {
      lastReport = now;
      const rate = done / ((now - began) / 1000);
      console.log(`  ${fmt(done)} / ${fmt(total)} (${fmt(rate)} rows/s, peak RSS ${peakRssMb()} MB)`);
    }
  }
  if (inFlight) done += await inFlight;
  const seconds = (performance.now() - began) / 1000;
  console.log(
    `Seeded ${fmt(done)} products in ${seconds.toFixed(1)} s (${fmt(done / seconds)} rows/s), ` +
      `peak RSS ${peakRssMb()} MB; the catalog now holds ${fmt(await store.countProducts())} live products`,
  );
} finally {
  await store.close();
}
