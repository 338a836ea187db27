// The HTTP application, built from its dependencies (no globals, no environment): tests call
// createApp(deps).request(…) without a server or a port.
import type { Hono } from "hono";
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import type { Runtime } from "./actors/runtime/runtime.ts";
import type { ServiceActor } from "./actors/runtime/service-actor.ts";
import type { Clock } from "./actors/runtime/clock.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import type { CatalogStore } from "./adapters/catalog/catalog-store.ts";
import type { Cache } from "./adapters/cache/cache.ts";
import type { SearchIndex } from "./adapters/search/search-index.ts";
import type { EventBus } from "./adapters/bus/event-bus.ts";
import { errorBody, errorHandler, logServerErrors } from "./routes/error-handler.ts";
import { healthRoutes } from "./routes/health.ts";
import type { ClientAddressResolver } from "./routes/access/client-address.ts";
import { accessRules } from "./routes/access/access-rules.ts";
import { allowedMethods } from "./routes/method-not-allowed.ts";
import { validationHook } from "./routes/openapi.ts";
import { backgroundJobRoutes } from "./routes/background-jobs.ts";
import { jobRoutes } from "./routes/jobs.ts";
import { recurringJobRoutes } from "./routes/recurring-jobs.ts";
import { cronPreviewRoutes } from "./routes/cron-preview.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { dashboardRoutes } from "./routes/dashboard.tsx";
import { csrfTokenRoutes } from "./routes/csrf-token.ts";
import { swaggerRoutes } from "./routes/swagger.ts";
import { securityHeaders } from "./routes/security-headers.ts";
import { catalogRoutes } from "./routes/catalog-routes.ts";

/** Larger request bodies are refused with 413 before anything reads them. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface AppDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  runtime: Runtime;
  catalog: CatalogStore;
  cache: Cache;
  search: SearchIndex;
  bus: EventBus | null;
  /** The background services' actors (their status for /health and the dashboard). */
  services: ServiceActor[];
  /** Who is on the other end of the socket; default: @hono/node-server's bindings. Tests inject one. */
  clientAddress?: ClientAddressResolver;
}

export function createApp(deps: AppDeps): Hono {
  const app = new OpenAPIHono({ defaultHook: validationHook });
  const allowed = allowedMethods(app);
  app.onError(errorHandler(deps.logger));
  app.notFound((c) => {
    const methods = allowed(c.req.path);
    if (methods.length && !methods.includes(c.req.method)) {
      c.header("Allow", methods.join(", "));
      return c.json(errorBody("method_not_allowed", `${c.req.path} does not accept ${c.req.method}; it accepts ${methods.join(", ")}`), 405);
    }
    return c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404);
  });

  app.use("*", logServerErrors(deps.logger));
  app.use("*", securityHeaders());
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json(errorBody("payload_too_large", `the request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB)`), 413),
    }),
  );
  app.use("*", accessRules(deps));

  // Routers built with createRouter() appear in /openapi.json once mounted here.
  app.route("/", healthRoutes(deps));
  app.route("/", metricsRoutes(deps));
  app.route("/", backgroundJobRoutes(deps));
  app.route("/", jobRoutes(deps));
  app.route("/", recurringJobRoutes(deps));
  app.route("/", cronPreviewRoutes(deps));
  app.route("/", csrfTokenRoutes(deps));
  app.route("/", catalogRoutes(deps));
  app.route("/hangfire", dashboardRoutes(deps));

  app.openAPIRegistry.registerComponent("securitySchemes", "basicAuth", {
    type: "http",
    scheme: "basic",
    description: "A DASHBOARD_USERS user (Admin role for state changes)",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "An API_TOKENS token; never in the query string",
  });
  app.route(
    "/",
    swaggerRoutes(() =>
      app.getOpenAPIDocument({
        openapi: "3.0.3",
        info: {
          title: "Catalog Jobs API",
          version: "v1",
          description:
            "Background jobs of the Product Catalog Service: trigger and schedule jobs, inspect and manage jobs and recurring jobs, preview cron schedules, health and metrics. " +
            "State-changing endpoints accept only the local machine unless users are configured, then an Admin; browsers must send an X-CSRF-Token.",
        },
        tags: [
          { name: "Background jobs", description: "The original service's endpoints, unchanged" },
          { name: "Jobs" },
          { name: "Recurring jobs" },
          { name: "Operations", description: "Health, metrics" },
        ],
      }),
    ),
  );
  return app;
}
