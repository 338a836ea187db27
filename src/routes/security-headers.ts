// Protective headers on every response, as defaults: a route that sets its own (the dashboard's
// X-Frame-Options: DENY, Swagger's Content-Security-Policy) keeps them.
//
// Referrer-Policy is same-origin, not no-referrer: under no-referrer browsers send "Origin: null"
// on same-origin form POSTs, which the CSRF check must refuse. No HSTS: whether the service sits
// behind TLS is the proxy's call.
import type { MiddlewareHandler } from "hono";

const DEFAULTS: [string, string][] = [
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "SAMEORIGIN"],
  ["Referrer-Policy", "same-origin"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
];

export function securityHeaders(): MiddlewareHandler {
  return async function securityHeaders(c, next) {
    await next();
    for (const [name, value] of DEFAULTS) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
  };
}
