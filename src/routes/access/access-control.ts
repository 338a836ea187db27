// Who may do what.
//
//   no users or tokens configured (default, as Hangfire's LocalRequestsOnlyAuthorizationFilter):
//     dashboard and state changes: only from the local machine (socket address) — else 403
//   DASHBOARD_USERS / API_TOKENS configured:
//     HTTP Basic or Authorization: Bearer; Admin role for dashboard and state changes
//     no or wrong credentials → 401 with WWW-Authenticate; known user without the role → 403
//   reads (/api GETs, /health, /metrics): open, unless PROTECT_READS=true, which asks the same
//     as above but any role (or, without users, the local machine)
//
// With users configured, credentials in the query string (?access_token=…) are refused outright,
// valid or not: URLs end up in logs, browser history and Referer headers. Forwarding headers are never consulted (client-address.ts).
import type { Context, MiddlewareHandler } from "hono";
import { createHmac, randomBytes } from "node:crypto";
import type { AppDeps } from "../../app.ts";
import { errorBody } from "../error-handler.ts";
import { isLocalAddress, isLocalHostName, socketAddress } from "./client-address.ts";
import { CredentialStore, type Principal } from "./credentials.ts";

export type { Principal } from "./credentials.ts";

/** Context variables the access middlewares set. */
export interface AccessVariables {
  principal?: Principal;
}

export const ADMIN_ROLE = "Admin";
const REALM = "Catalog Jobs";
const QUERY_CREDENTIALS = ["access_token", "token", "api_key", "apikey", "api_token", "bearer", "auth", "authorization", "password"];
const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 1000;

type Outcome = { ok: true; principal: Principal } | { ok: false; status: 401 | 403; code: string; message: string; challenge: boolean };

/**
 * One per configuration object, shared by every middleware built from it: parsing the entries
 * once, and remembering credentials that checked out (a dashboard polling every 2 s would
 * otherwise pay scrypt on each request). The cache key is an HMAC of the header under a
 * per-process key, so the cache holds no password.
 */
class Authenticator {
  readonly store: CredentialStore;
  readonly #cacheKey = randomBytes(32);
  readonly #cache = new Map<string, { principal: Principal; until: number }>();

  constructor(config: AppDeps["config"]) {
    this.store = new CredentialStore(config.users, config.apiTokens);
  }

  async decide(deps: AppDeps, c: Context, needAdmin: boolean): Promise<Outcome> {
    if (!this.store.configured) {
      const addr = (deps.clientAddress ?? socketAddress)(c);
      const host = new URL(c.req.url).hostname;
      if (isLocalAddress(addr) && !isLocalHostName(host, addr)) {
        return refuse(
          403,
          "forbidden",
          `without users, only requests sent to this machine's own name are accepted (localhost, 127.0.0.1 or [::1]); this one was sent to "${host}", as a page using DNS rebinding would; configure DASHBOARD_USERS or API_TOKENS to use another name`,
          false,
        );
      }
      if (isLocalAddress(addr)) return { ok: true, principal: { name: "local", role: ADMIN_ROLE, via: "local" } };
      return refuse(
        403,
        "forbidden",
        `${needAdmin ? "the dashboard and state-changing endpoints" : "this endpoint"} accept only requests from the local machine (this one came from ${addr?.remote ?? "an unknown address"}); configure DASHBOARD_USERS or API_TOKENS to allow remote access`,
        false,
      );
    }
    const param = Object.keys(c.req.queries()).find((k) => QUERY_CREDENTIALS.includes(k.toLowerCase()));
    if (param) {
      return refuse(401, "unauthorized", `credentials in the query string ("${param}") are refused; send them in the Authorization header (Bearer or Basic)`, true);
    }
    const header = c.req.header("authorization");
    if (!header) return refuse(401, "unauthorized", "credentials required: HTTP Basic (a DASHBOARD_USERS user) or Authorization: Bearer <token>", true);
    const principal = await this.#check(header, deps.clock.now());
    if (!principal) return refuse(401, "unauthorized", "the credentials were not accepted", true);
    if (needAdmin && principal.role.toLowerCase() !== ADMIN_ROLE.toLowerCase()) {
      return refuse(403, "forbidden", `user "${principal.name}" has role ${principal.role}; this needs role ${ADMIN_ROLE}`, false);
    }
    return { ok: true, principal };
  }

  async #check(header: string, now: number): Promise<Principal | null> {
    const key = createHmac("sha256", this.#cacheKey).update(header).digest("base64url");
    const hit = this.#cache.get(key);
    if (hit && hit.until > now) return hit.principal;
    const principal = await this.#verify(header);
    if (principal) {
      if (this.#cache.size >= CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(key, { principal, until: now + CACHE_TTL_MS });
    }
    return principal;
  }

  #verify(header: string): Promise<Principal | null> {
    const m = /^(\w+)\s+(\S+)\s*$/.exec(header);
    if (!m) return Promise.resolve(null);
    const scheme = m[1].toLowerCase();
    if (scheme === "bearer") return this.store.checkToken(m[2]);
    if (scheme !== "basic") return Promise.resolve(null);
    let decoded: string;
    try {
      decoded = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(m[2], "base64"));
    } catch {
      return Promise.resolve(null);
    }
    const colon = decoded.indexOf(":");
    if (colon < 0) return Promise.resolve(null);
    return this.store.checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1));
  }
}

function refuse(status: 401 | 403, code: string, message: string, challenge: boolean): Outcome {
  return { ok: false, status, code, message, challenge };
}

const authenticators = new WeakMap<AppDeps["config"], Authenticator>();

/** The shared authenticator for this configuration (built, and its entries checked, once). */
export function authenticatorFor(config: AppDeps["config"]): Authenticator {
  let a = authenticators.get(config);
  if (!a) authenticators.set(config, (a = new Authenticator(config)));
  return a;
}

function guard(deps: AppDeps, needAdmin: boolean, name: string): MiddlewareHandler {
  const auth = authenticatorFor(deps.config); // bad entries fail at start-up, not on the first request
  const mw: MiddlewareHandler = async (c, next) => {
    const already = c.get("principal") as Principal | undefined;
    if (already && (!needAdmin || already.role.toLowerCase() === ADMIN_ROLE.toLowerCase())) return next();
    const out = await auth.decide(deps, c, needAdmin);
    if (!out.ok) {
      if (out.challenge) c.header("WWW-Authenticate", `Basic realm="${REALM}", charset="UTF-8"`);
      if (out.challenge) c.header("WWW-Authenticate", `Bearer realm="${REALM}"`, { append: true });
      c.header("Cache-Control", "no-store");
      return c.json(errorBody(out.code, out.message), out.status);
    }
    c.set("principal", out.principal);
    await next();
  };
  Object.defineProperty(mw, "name", { value: name });
  return mw;
}

/**
 * Guards the dashboard (every /hangfire route) and every state-changing endpoint: the local
 * machine only, or, when users/tokens are configured, an authenticated Admin.
 */
export function requireAdmin(deps: AppDeps): MiddlewareHandler {
  return guard(deps, true, "requireAdmin");
}

/** Guards read-only endpoints: open unless PROTECT_READS=true, then any known user (or local). */
export function requireReader(deps: AppDeps): MiddlewareHandler {
  const inner = guard(deps, false, "requireReader");
  return async function requireReader(c, next) {
    if (!deps.config.protectReads) return next();
    return inner(c, next);
  };
}
