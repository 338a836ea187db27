// GET /api/backgroundjobs/csrf-token: a CSRF token for the caller, for browser clients that are
// not dashboard pages (Swagger UI's "Try it out" fetches one before each state-changing call).
// Admin-only, like what it unlocks; a cross-origin page cannot read the answer (no CORS).
import type { AppDeps } from "../app.ts";
import { requireAdmin } from "./access/access-control.ts";
import { CSRF_HEADER, csrfProtection, csrfToken } from "./access/csrf.ts";
import { adminSecurity, createRoute, createRouter, guardedErrors, z } from "./openapi.ts";

export function csrfTokenRoutes(deps: AppDeps) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/backgroundjobs/csrf-token",
      tags: ["Operations"],
      summary: "A CSRF token for browser clients (send it as X-CSRF-Token on state-changing requests)",
      security: adminSecurity,
      middleware: [requireAdmin(deps), csrfProtection(deps)] as const,
      responses: {
        200: {
          description: "A token valid for 24 hours, for this user",
          content: {
            "application/json": {
              schema: z.object({ token: z.string(), header: z.string() }).openapi("CsrfToken"),
              example: { token: "v1.m8x3k2a.Qm9vb3Rz.c2lnbmF0dXJl", header: CSRF_HEADER },
            },
          },
        },
        ...guardedErrors,
      },
    }),
    (c) => c.json({ token: csrfToken(c), header: CSRF_HEADER }, 200, { "Cache-Control": "no-store" }),
  );
  return app;
}
