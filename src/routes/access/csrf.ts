// CSRF protection for every state-changing request that comes from a browser.
//
// A request is from a browser when it carries Sec-Fetch-Site or Origin: browsers set both (they
// are forbidden headers, which page scripts cannot set or remove), every current browser sends
// Sec-Fetch-Site on everything and Origin on every POST. curl and scripts send neither and are not
// subject to the check — they hold no ambient credentials a page could borrow. (Node's fetch sends
// Sec-Fetch-Mode: cors, so that header alone does not mark a browser.)
// A browser request must pass all three:
//   1. Sec-Fetch-Site, if present, is "same-origin" (or "none": typed by the user);
//      "same-site" is refused too — a sibling subdomain is another origin;
//   2. Origin, if present, names this server's host ("null" is refused);
//   3. a token, in header X-CSRF-Token (htmx, fetch) or form field _csrf, that this process
//      issued: v1.<issued-at>.<nonce>.<HMAC-SHA256(secret, subject|issued-at|nonce)>,
//      bound to the user it was issued to and valid for 24 h.
// The secret is CSRF_SECRET, or random per process (tokens then die with the process: a stale
// page answers 403 "reload the page").
import type { Context, MiddlewareHandler } from "hono";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { AppDeps } from "../../app.ts";
import { errorBody } from "../error-handler.ts";
import type { Principal } from "./credentials.ts";

export const CSRF_HEADER = "X-CSRF-Token";
export const CSRF_FIELD = "_csrf";
const TOKEN_TTL_MS = 24 * 3_600_000;
const FUTURE_SKEW_MS = 60_000;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface CsrfIssuer {
  issue(subject: string): string;
  verify(token: string | undefined | null, subject: string): boolean;
}

export function createCsrfIssuer(secret: string | Buffer, now: () => number): CsrfIssuer {
  const mac = (subject: string, ts: string, nonce: string) =>
    createHmac("sha256", secret).update(`csrf|v1|${subject}|${ts}|${nonce}`).digest();
  return {
    issue(subject) {
      const ts = Math.floor(now()).toString(36);
      const nonce = randomBytes(12).toString("base64url");
      return `v1.${ts}.${nonce}.${mac(subject, ts, nonce).toString("base64url")}`;
    },
    verify(token, subject) {
      if (!token || token.length > 200) return false;
      const parts = token.split(".");
      if (parts.length !== 4 || parts[0] !== "v1") return false;
      const [, ts, nonce, sig] = parts;
      const issued = parseInt(ts, 36);
      const t = now();
      if (!Number.isFinite(issued) || issued > t + FUTURE_SKEW_MS || t - issued > TOKEN_TTL_MS) return false;
      const given = Buffer.from(sig, "base64url");
      const want = mac(subject, ts, nonce);
      return given.length === want.length && timingSafeEqual(given, want);
    },
  };
}

const issuers = new WeakMap<AppDeps["config"], CsrfIssuer>();

function issuerFor(deps: AppDeps): CsrfIssuer {
  let issuer = issuers.get(deps.config);
  if (!issuer) {
    issuer = createCsrfIssuer(deps.config.csrfSecret ?? randomBytes(32), () => deps.clock.now());
    issuers.set(deps.config, issuer);
  }
  return issuer;
}

function subjectOf(c: Context): string {
  const p = c.get("principal") as Principal | undefined;
  return p ? `${p.via === "local" ? "local" : "user"}:${p.name}` : "anonymous";
}

/** True when the request shows a browser's marks (Sec-Fetch-Site or Origin). */
export function isBrowserRequest(c: Context): boolean {
  return c.req.header("sec-fetch-site") !== undefined || c.req.header("origin") !== undefined;
}

function sameHost(origin: string, requestUrl: string): boolean {
  try {
    // Host (with port) rather than the full origin: behind a TLS-terminating proxy the page is
    // https://host while this process sees http://host. The scheme adds nothing an attacker
    // could use: they would need to serve pages from this very host.
    return new URL(origin).host === new URL(requestUrl).host;
  } catch {
    return false;
  }
}

async function tokenFrom(c: Context): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header("content-type") ?? "";
  if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
    try {
      const body = await c.req.parseBody(); // cached: the handler can parse it again
      const v = body[CSRF_FIELD];
      return typeof v === "string" ? v : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function forbid(c: Context, code: string, message: string) {
  c.header("Cache-Control", "no-store");
  return c.json(errorBody(code, message), 403);
}

/**
 * Checks every state-changing request (anything but GET/HEAD/OPTIONS) from a browser; on every
 * request makes csrfToken(c) available. Run it after requireAdmin, so tokens are checked against
 * the user they were issued to. Safe to mount more than once.
 */
export function csrfProtection(deps: AppDeps): MiddlewareHandler {
  const issuer = issuerFor(deps);
  return async function csrfProtection(c, next) {
    c.set("csrfIssuer", issuer);
    if (SAFE_METHODS.has(c.req.method) || c.get("csrfChecked") || !isBrowserRequest(c)) return next();
    const site = c.req.header("sec-fetch-site");
    if (site && site !== "same-origin" && site !== "none") {
      return forbid(c, "csrf_cross_site", `state-changing requests from another site are refused (Sec-Fetch-Site: ${site})`);
    }
    const origin = c.req.header("origin");
    if (origin !== undefined && !sameHost(origin, c.req.url)) {
      return forbid(c, "csrf_cross_origin", `state-changing requests from another origin are refused (Origin: ${origin})`);
    }
    const token = await tokenFrom(c);
    if (!token) {
      return forbid(c, "csrf_token_missing", `a CSRF token is required: send header ${CSRF_HEADER} (or form field ${CSRF_FIELD}) with the value of <meta name="csrf-token">`);
    }
    if (!issuer.verify(token, subjectOf(c))) {
      return forbid(c, "csrf_token_invalid", "the CSRF token is expired or was not issued to you; reload the page");
    }
    c.set("csrfChecked", true);
    await next();
  };
}

/**
 * A token for the current user to embed in a page: `<meta name="csrf-token" content="…">` and
 * `<input type="hidden" name="_csrf" value="…">`; htmx sends it as header X-CSRF-Token.
 * Needs csrfProtection(deps) (and requireAdmin, for a user-bound token) earlier on the route.
 */
export function csrfToken(c: Context): string {
  const issuer = c.get("csrfIssuer") as CsrfIssuer | undefined;
  if (!issuer) throw new Error("csrfToken(c) needs csrfProtection(deps) mounted before this handler");
  return issuer.issue(subjectOf(c));
}
