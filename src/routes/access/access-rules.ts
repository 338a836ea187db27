// The access rules applied to every request, in one place (app.ts mounts this first):
//
//   /hangfire, /hangfire/…            requireAdmin, then csrfProtection
//   POST, PUT, PATCH, DELETE anywhere  requireAdmin, then csrfProtection
//   /health/live, /health/ready        open (orchestrators' probes carry no credentials)
//   other reads                        requireReader (open unless PROTECT_READS=true)
//
// Route files may mount requireAdmin/csrfProtection again on their own routes: both are
// idempotent within a request.
import type { Context, MiddlewareHandler, Next } from "hono";
import type { AppDeps } from "../../app.ts";
import { requireAdmin, requireReader } from "./access-control.ts";
import { csrfProtection } from "./csrf.ts";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const PROBES = new Set(["/health/live", "/health/ready"]);

/** Runs middlewares in order as one; a response from any of them ends the chain. */
export function chain(...mws: MiddlewareHandler[]): MiddlewareHandler {
  return (c: Context, next: Next) => {
    const run = async (i: number): Promise<void> => {
      if (i === mws.length) return next();
      const res = await mws[i](c, () => run(i + 1));
      if (res instanceof Response) c.res = res;
    };
    return run(0);
  };
}

export const isDashboardPath = (path: string) => path === "/hangfire" || path.startsWith("/hangfire/");

export function accessRules(deps: AppDeps): MiddlewareHandler {
  const admin = chain(requireAdmin(deps), csrfProtection(deps));
  const reader = chain(requireReader(deps), csrfProtection(deps));
  return async function accessRules(c, next) {
    if (isDashboardPath(c.req.path) || !SAFE.has(c.req.method)) return admin(c, next);
    if (PROBES.has(c.req.path)) return next();
    return reader(c, next);
  };
}
