// Users and API tokens from the configuration, stored hashed, and how a presented credential is
// checked against them.
//
//   DASHBOARD_USERS  name:scrypt$<N>$<r>$<p>$<salt>$<hash>:Role      (scripts/hash-password.ts)
//   API_TOKENS       sha256$<hex>:name:Role   or   scrypt$…:name:Role
//
// Passwords are low-entropy, so they get scrypt (N=2^15, r=8: ~60 ms and 32 MiB per check, in the
// libuv pool so the event loop keeps serving). Generated tokens carry 256 random bits: one SHA-256
// is enough to make a leaked configuration useless, and costs nothing per request.
import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import { ConfigError } from "../../errors.ts";

export interface Principal {
  name: string;
  role: string;
  /** How the request proved who it is. */
  via: "local" | "basic" | "bearer";
}

export interface PasswordHash {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

interface UserEntry {
  name: string;
  role: string;
  password: PasswordHash;
}

type TokenEntry = { name: string; role: string } & ({ kind: "sha256"; digest: Buffer } | { kind: "scrypt"; password: PasswordHash });

export const SCRYPT_DEFAULTS = { n: 32768, r: 8, p: 1, keyLength: 32 };

const b64url = (b: Buffer) => b.toString("base64url");

function scryptAsync(secret: string, h: Pick<PasswordHash, "n" | "r" | "p" | "salt">, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, h.salt, keyLength, { N: h.n, r: h.r, p: h.p, maxmem: 256 * h.n * h.r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** `scrypt$32768$8$1$<salt>$<hash>` (base64url), the form DASHBOARD_USERS stores. */
export async function hashPassword(password: string, params = SCRYPT_DEFAULTS): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, { n: params.n, r: params.r, p: params.p, salt }, params.keyLength);
  return `scrypt$${params.n}$${params.r}$${params.p}$${b64url(salt)}$${b64url(hash)}`;
}

export function parsePasswordHash(text: string, where: string): PasswordHash {
  const parts = text.split("$");
  const [scheme, n, r, p, salt, hash] = parts;
  const ints = [n, r, p].map(Number);
  if (parts.length !== 6 || scheme !== "scrypt" || !ints.every((x) => Number.isInteger(x) && x > 0) || !salt || !hash) {
    throw new ConfigError(`${where}: the password hash must look like scrypt$32768$8$1$<salt>$<hash>; make one with "npx tsx scripts/hash-password.ts <name> <Role>"`);
  }
  if ((ints[0] & (ints[0] - 1)) !== 0) throw new ConfigError(`${where}: scrypt N must be a power of two; got ${ints[0]}`);
  return { n: ints[0], r: ints[1], p: ints[2], salt: Buffer.from(salt, "base64url"), hash: Buffer.from(hash, "base64url") };
}

export async function verifyPassword(password: string, h: PasswordHash): Promise<boolean> {
  const key = await scryptAsync(password, h, h.hash.length);
  return key.length === h.hash.length && timingSafeEqual(key, h.hash);
}

/** A fresh bearer token and the API_TOKENS entry that accepts it. */
export function newApiToken(name: string, role: string): { token: string; entry: string } {
  const token = `cjt_${b64url(randomBytes(32))}`;
  return { token, entry: `sha256$${sha256(token).toString("hex")}:${name}:${role}` };
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

export class CredentialStore {
  readonly #users = new Map<string, UserEntry>();
  readonly #tokens: TokenEntry[] = [];
  // A check against a hash that exists for nobody, so an unknown name costs as long as a known one.
  readonly #decoy: PasswordHash;

  constructor(users: string[], apiTokens: string[]) {
    users.forEach((raw, i) => {
      const where = `DASHBOARD_USERS entry ${i + 1}`;
      const first = raw.indexOf(":");
      const last = raw.lastIndexOf(":");
      if (first <= 0 || last === first) throw new ConfigError(`${where} must be name:scrypt$…:Role; got "${raw.slice(0, 40)}…"`);
      const name = raw.slice(0, first);
      const role = raw.slice(last + 1);
      if (!role) throw new ConfigError(`${where} (${name}) has no role after the last ":"; expected e.g. Admin`);
      this.#users.set(name, { name, role, password: parsePasswordHash(raw.slice(first + 1, last), where) });
    });
    apiTokens.forEach((raw, i) => {
      const where = `API_TOKENS entry ${i + 1}`;
      const parts = raw.split(":");
      if (parts.length !== 3 || !parts[1] || !parts[2]) throw new ConfigError(`${where} must be sha256$<hex>:name:Role; got ${parts.length} part(s)`);
      const [hash, name, role] = parts;
      if (/^sha256\$[0-9a-f]{64}$/i.test(hash)) this.#tokens.push({ name, role, kind: "sha256", digest: Buffer.from(hash.slice(7), "hex") });
      else if (hash.startsWith("scrypt$")) this.#tokens.push({ name, role, kind: "scrypt", password: parsePasswordHash(hash, where) });
      else throw new ConfigError(`${where}: the token hash must be sha256$<64 hex digits> or scrypt$…; make one with "npx tsx scripts/hash-password.ts --token <name> <Role>"`);
    });
    this.#decoy = { ...SCRYPT_DEFAULTS, salt: randomBytes(16), hash: randomBytes(32) };
  }

  /** True when any user or token is configured: credentials are then required. */
  get configured(): boolean {
    return this.#users.size > 0 || this.#tokens.length > 0;
  }

  async checkPassword(name: string, password: string): Promise<Principal | null> {
    const user = this.#users.get(name);
    const ok = await verifyPassword(password, user?.password ?? this.#decoy);
    return ok && user ? { name: user.name, role: user.role, via: "basic" } : null;
  }

  async checkToken(token: string): Promise<Principal | null> {
    const digest = sha256(token);
    let found: TokenEntry | null = null;
    // Compare against every entry (no early exit) so timing says nothing about which matched.
    for (const t of this.#tokens) if (t.kind === "sha256" && timingSafeEqual(digest, t.digest)) found = t;
    if (!found) {
      for (const t of this.#tokens) if (t.kind === "scrypt" && (await verifyPassword(token, t.password))) found = t;
    }
    return found ? { name: found.name, role: found.role, via: "bearer" } : null;
  }
}
