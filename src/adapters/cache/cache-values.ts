// Argument checks and JSON encoding shared by both caches, so a bad key, value or TTL fails the
// same way whichever implementation is configured.

export function checkKey(key: unknown): string {
  if (typeof key !== "string" || key === "") {
    throw new TypeError(`cache key must be a non-empty string; got ${JSON.stringify(key) ?? String(key)}`);
  }
  return key;
}

/** JSON text of a value; undefined, functions and symbols have none and are refused. */
export function encodeValue(key: string, value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) {
    throw new TypeError(`cache value for "${key}" must be JSON-serialisable; got ${typeof value}`);
  }
  return json;
}

/** Whole milliseconds (rounded up, so a TTL never ends early), or undefined for "no expiry". */
export function checkTtl(key: string, ttlMs: number | undefined): number | undefined {
  if (ttlMs === undefined) return undefined;
  if (typeof ttlMs !== "number" || !Number.isFinite(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`TTL for "${key}" must be a positive number of milliseconds or omitted; got ${ttlMs}`);
  }
  return Math.ceil(ttlMs);
}
