// What callers hand the store, checked and completed the same way by both stores, so SQLite and
// PostgreSQL refuse the same things with the same ValidationError (the HTTP layer turns `field`
// into the JSON error's field).
import { ConflictError, ValidationError } from "../../errors.ts";
import type { NewProduct, ProductFilter, ProductPatch } from "./catalog-store.ts";

/** Both dialects store these as 32-bit integers. */
export const MAX_INT32 = 2_147_483_647;
const MAX_PAGE = 10_000;

// Control characters (C0, DEL, C1): PostgreSQL cannot store NUL at all (22021) and SQLite would
// keep what PostgreSQL refuses, so both stores refuse them here. Multi-line text keeps tab,
// newline and carriage return; one-line text (names, SKUs) keeps none.
const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_LINE_BREAKS = /(?![\t\n\r])\p{Cc}/u;

/** How a text field may look: one line (names) or several (descriptions). */
type TextKind = "line" | "multiline";

function text(field: string, v: unknown, max: number, required: boolean, kind: TextKind = "line"): void {
  if (typeof v !== "string") throw new ValidationError(field, `${field} must be a string; got ${typeof v}`);
  if (required && v.trim() === "") throw new ValidationError(field, `${field} must not be empty`);
  if (v.length > max) throw new ValidationError(field, `${field} must be at most ${max} characters; got ${v.length}`);
  const bad = (kind === "line" ? CONTROL : CONTROL_BUT_LINE_BREAKS).exec(v);
  if (bad) {
    const allowed = kind === "line" ? "" : " other than tab, newline and carriage return";
    const code = `U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    throw new ValidationError(field, `${field} must not contain control characters${allowed}; got ${code} at character ${bad.index + 1}`);
  }
}

export function checkInt(field: string, v: unknown, min: number, max = MAX_INT32): void {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new ValidationError(field, `${field} must be an integer from ${min} to ${max}; got ${String(v)}`);
  }
}

function productFields(p: ProductPatch, required: boolean): void {
  const has = (k: keyof ProductPatch) => required || p[k] !== undefined;
  if (has("sku")) {
    text("sku", p.sku, 64, true);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p.sku!)) {
      throw new ValidationError("sku", `sku must be letters, digits, ".", "_" or "-"; got "${p.sku}"`);
    }
  }
  if (has("name")) text("name", p.name, 200, true);
  if (p.description !== undefined) text("description", p.description, 4000, false, "multiline");
  if (has("categoryId")) checkInt("categoryId", p.categoryId, 1);
  if (has("priceCents")) checkInt("priceCents", p.priceCents, 0);
  if (has("stockQuantity")) checkInt("stockQuantity", p.stockQuantity, 0);
  if (p.isActive !== undefined && typeof p.isActive !== "boolean") {
    throw new ValidationError("isActive", `isActive must be true or false; got ${String(p.isActive)}`);
  }
  if (p.popularity !== undefined) checkInt("popularity", p.popularity, 0);
}

export function validateNewProduct(p: NewProduct): void {
  productFields(p, true);
}

export function validatePatch(p: ProductPatch): void {
  productFields(p, false);
}

export function validateCategory(c: { name?: string; description?: string }, required: boolean): void {
  if (required || c.name !== undefined) text("name", c.name, 100, true);
  if (c.description !== undefined) text("description", c.description, 1000, false, "multiline");
}

/**
 * Why a one-statement stock change matched no live row, given the product as it is now: a
 * removal that would go below 0 (a conflict with the stock there is), or an addition that would
 * go past what a 32-bit column holds (a delta no product could take). The sign of delta decides,
 * since stock is always within 0..MAX_INT32: a concurrent change cannot flip the reason.
 */
export function refusedStockChange(id: number, stock: number, delta: number): Error {
  if (delta > 0) {
    return new ValidationError(
      "delta",
      `delta must keep stockQuantity at most ${MAX_INT32}; product ${id} has ${stock} in stock, so delta can be at most ${MAX_INT32 - stock}; got ${delta}`,
    );
  }
  return new ConflictError(`product ${id} has ${stock} in stock; removing ${-delta} would take it below 0`);
}

export function validateFilter(f: ProductFilter): void {
  checkInt("limit", f.limit, 1, MAX_PAGE);
  if (f.afterId !== undefined) checkInt("afterId", f.afterId, 0);
  if (f.categoryId !== undefined) checkInt("categoryId", f.categoryId, 1);
  if (f.minPriceCents !== undefined) checkInt("minPriceCents", f.minPriceCents, 0);
  if (f.maxPriceCents !== undefined) checkInt("maxPriceCents", f.maxPriceCents, 0);
}

export function withDefaults(r: NewProduct): Required<NewProduct> {
  return {
    sku: r.sku,
    name: r.name,
    description: r.description ?? "",
    categoryId: r.categoryId,
    priceCents: r.priceCents,
    stockQuantity: r.stockQuantity,
    isActive: r.isActive ?? true,
    popularity: r.popularity ?? 0,
  };
}

/** The patch's fields that were given (undefined means "leave as is", not "set to null"). */
export function definedOnly(patch: ProductPatch): ProductPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as ProductPatch;
}
