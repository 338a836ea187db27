// Money is integer cents inside the product; JSON shows decimal numbers (19.99) and logs show
// "$45,678.90". Conversions here are exact: no float arithmetic touches a price.
import { ValidationError } from "./errors.ts";

/** 4567890 → 45678.9 (the nearest double to the decimal, which JSON prints as 45678.9). */
export function centsToDecimal(cents: number): number {
  return Number(centsToText(cents));
}

/** 4567890 → "45678.90" */
export function centsToText(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`cents must be a safe integer; got ${cents}`);
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** 4567890 → "$45,678.90" (the format of .NET's {0:C} in en-US, which the log lines kept). */
export function formatUsd(cents: number): string {
  const [whole, frac] = centsToText(Math.abs(cents)).split(".");
  return `${cents < 0 ? "-" : ""}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${frac}`;
}

/**
 * A decimal price from JSON (19.99, "19.99", 20) → 1999 cents, refusing more than two decimals
 * instead of rounding them away. Reads the number's shortest text form, so 0.1 + 0.2 style noise
 * never reaches it from a JSON literal.
 */
export function decimalToCents(field: string, value: unknown): number {
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : typeof value === "string" ? value.trim() : null;
  const m = text === null ? null : /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) {
    throw new ValidationError(field, `${field} must be a non-negative amount with at most two decimals, such as 19.99; got ${JSON.stringify(value) ?? String(value)}`);
  }
  const cents = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
  if (!Number.isSafeInteger(cents)) throw new ValidationError(field, `${field} is too large; got ${text}`);
  return cents;
}
