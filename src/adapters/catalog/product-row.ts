// Rows as both stores read them, turned into the interface's shapes. SQLite hands back epoch
// milliseconds, PostgreSQL (through drizzle) Dates; both become ISO-8601 UTC strings here.
import { ValidationError } from "../../errors.ts";
import type { Category, Product } from "./catalog-store.ts";

type Instant = number | Date;

/** A Product as a store reads it: the same fields, with the driver's kind of timestamps. */
export type ProductRow = Omit<Product, "createdAt" | "updatedAt" | "deletedAt"> & { createdAt: Instant; updatedAt: Instant; deletedAt: Instant | null };

export type CategoryRow = Omit<Category, "createdAt" | "updatedAt"> & { createdAt: Instant; updatedAt: Instant };

export const iso = (t: Instant): string => (typeof t === "number" ? new Date(t) : t).toISOString();

/** The clock's milliseconds, whole (the system clock carries a fraction; storage keeps ms). */
export const wholeMs = (now: () => number): number => Math.floor(now());

/** An ISO cursor or cut-off back to milliseconds; refuses anything Date cannot read. */
export function parseInstant(field: string, value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new ValidationError(field, `${field} must be an ISO-8601 timestamp; got "${value}"`);
  return ms;
}

export function toProduct(r: ProductRow): Product {
  return {
    ...r,
    createdAt: iso(r.createdAt),
    updatedAt: iso(r.updatedAt),
    deletedAt: r.deletedAt === null ? null : iso(r.deletedAt),
  };
}

export function toCategory(r: CategoryRow): Category {
  return { ...r, createdAt: iso(r.createdAt), updatedAt: iso(r.updatedAt) };
}
