// Driver errors turned into the product's error classes, so callers (routes, jobs) act on meaning:
// a taken SKU is a 409, a missing category a 400, a lost database a retry. The driver's error is
// always kept as `cause`.
import { DrizzleQueryError } from "drizzle-orm";
import { ConflictError, DependencyUnavailableError, ValidationError } from "../../errors.ts";

/** What the failing call was doing, to name the offending value in the message. */
export interface ErrorContext {
  sku?: string;
  categoryName?: string;
}

/** drizzle wraps driver errors ("Failed query: …"); the driver's own error carries the code. */
export function driverError(err: unknown): unknown {
  let e = err;
  while (e instanceof DrizzleQueryError && e.cause !== undefined) e = e.cause;
  return e;
}

const text = (e: unknown) => (e instanceof Error ? e.message : String(e));

function conflictOnSku(ctx: ErrorContext, cause: unknown, sku = ctx.sku): ConflictError {
  return new ConflictError(`a product with sku "${sku ?? "?"}" already exists; choose another sku`, { cause });
}

function conflictOnCategory(ctx: ErrorContext, cause: unknown): ConflictError {
  return new ConflictError(`a category named "${ctx.categoryName ?? "?"}" already exists`, { cause });
}

function missingCategory(cause: unknown): ValidationError {
  return new ValidationError("categoryId", "categoryId must name an existing category", { cause });
}

// SQLite: better-sqlite3 and node:sqlite word constraint errors the same way (SQLite's own text).
const SQLITE_UNAVAILABLE = /SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR|FULL|READONLY|CORRUPT|NOTADB)|database is locked|unable to open|disk I\/O|database or disk is full|not a database|database connection is not open/i;

export function fromSqlite(err: unknown, ctx: ErrorContext = {}): unknown {
  const e = driverError(err);
  const msg = text(e);
  const code = String((e as { code?: unknown }).code ?? "");
  if (/UNIQUE constraint failed: products\.sku/.test(msg)) return conflictOnSku(ctx, e);
  if (/UNIQUE constraint failed: categories\.name/.test(msg)) return conflictOnCategory(ctx, e);
  if (/FOREIGN KEY constraint failed/.test(msg)) return missingCategory(e);
  if (/CHECK constraint failed: products_stock/.test(msg)) {
    return new ValidationError("stockQuantity", "stockQuantity must not go below 0", { cause: e });
  }
  if (/CHECK constraint failed: products_price/.test(msg)) {
    return new ValidationError("priceCents", "priceCents must not be negative", { cause: e });
  }
  if (SQLITE_UNAVAILABLE.test(code) || SQLITE_UNAVAILABLE.test(msg)) {
    return new DependencyUnavailableError("catalog", `the SQLite catalog is unavailable: ${msg}`, { cause: e });
  }
  return e;
}

// PostgreSQL: SQLSTATE codes from the server, postgres.js codes and socket errnos from the client.
const PG_CONNECT_FAILED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "CONNECT_TIMEOUT", "57P03", "53300"]);
const PG_CONNECTION_LOST = new Set(["CONNECTION_CLOSED", "CONNECTION_DESTROYED", "ECONNRESET", "EPIPE", "57P01", "57P02"]);

function pgCode(e: unknown): string {
  return String((e as { code?: unknown }).code ?? (e as { errno?: unknown }).errno ?? "");
}

/** A connection that died under a query (server restart, terminated backend): safe to retry a read. */
export function isConnectionLost(err: unknown): boolean {
  const code = pgCode(driverError(err));
  return PG_CONNECTION_LOST.has(code) || code.startsWith("08");
}

export function fromPostgres(err: unknown, ctx: ErrorContext = {}): unknown {
  const e = driverError(err);
  const code = pgCode(e);
  const pe = e as { constraint_name?: string; detail?: string };
  if (code === "23505" && pe.constraint_name === "products_sku_live_uq") {
    return conflictOnSku(ctx, e, /\(sku\)=\((.*)\)/.exec(pe.detail ?? "")?.[1]);
  }
  if (code === "23505" && pe.constraint_name === "categories_name_unique") return conflictOnCategory(ctx, e);
  if (code === "23503") return missingCategory(e);
  if (code === "23514") {
    const field = pe.constraint_name?.includes("price") ? "priceCents" : "stockQuantity";
    return new ValidationError(field, `${field} must not be negative`, { cause: e });
  }
  if (code === "22003") return new ValidationError("stockQuantity", "a value is out of the 32-bit integer range", { cause: e });
  // The input checks refuse control characters first; this is the net for text that gets past
  // them (NUL is the one character PostgreSQL's text cannot hold). The server does not say
  // which column, so the whole body is named.
  if (code === "22021") {
    return new ValidationError("body", "a text field contains a character PostgreSQL cannot store (such as NUL, U+0000); remove control characters", { cause: e });
  }
  if (PG_CONNECT_FAILED.has(code) || PG_CONNECTION_LOST.has(code) || code.startsWith("08") || code === "CONNECTION_ENDED") {
    return new DependencyUnavailableError("catalog", `the PostgreSQL catalog is unavailable (${code}): ${text(e)}`, { cause: e });
  }
  return e;
}
