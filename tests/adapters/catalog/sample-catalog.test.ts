import { suite } from "uvu";
import * as assert from "uvu/assert";
import { generateProducts, SAMPLE_CATEGORIES, SAMPLE_PRODUCT_COUNT } from "../../../src/adapters/catalog/sample-catalog.ts";
import { validateNewProduct } from "../../../src/adapters/catalog/product-input.ts";

const test = suite("sample catalog");
const categoryIds = SAMPLE_CATEGORIES.map((_, i) => 100 + i);

test("the same index yields the same product, whatever the batch it is generated in", () => {
  const whole = [...generateProducts(1_000, 0, categoryIds)];
  const pieces = [...generateProducts(400, 0, categoryIds), ...generateProducts(600, 400, categoryIds)];
  assert.equal(pieces, whole);
  assert.equal([...generateProducts(1_000, 0, categoryIds)], whole, "a second run is identical");
});

test("generated products are valid, with unique skus and shop-like prices", () => {
  const products = [...generateProducts(20_000, 0, categoryIds)];
  products.forEach(validateNewProduct);
  assert.is(new Set(products.map((p) => p.sku)).size, products.length);
  assert.ok(products.every((p) => p.priceCents % 100 === 99 || p.priceCents % 100 === 49));
  const used = new Set(products.map((p) => p.categoryId));
  assert.is(used.size, SAMPLE_CATEGORIES.length, "every category gets products");
});

test("the first-start sample holds out-of-stock, critical and low products", () => {
  const stock = [...generateProducts(SAMPLE_PRODUCT_COUNT, 0, categoryIds)].map((p) => p.stockQuantity);
  assert.is(stock.filter((s) => s === 0).length, 6);
  assert.is(stock.filter((s) => s >= 1 && s <= 5).length, 12);
  assert.is(stock.filter((s) => s >= 6 && s <= 10).length, 12);
});

test("category ids must match the sample categories one to one", () => {
  assert.throws(() => [...generateProducts(1, 0, [1, 2])], /10 ids/);
});

test.run();
