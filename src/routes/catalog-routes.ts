// The catalog's REST resources, mounted by the app in one line.
import type { AppDeps } from "../app.ts";
import { categoryRoutes } from "./categories.ts";
import { createRouter } from "./openapi.ts";
import { productRoutes } from "./products.ts";

export function catalogRoutes(deps: AppDeps) {
  const app = createRouter();
  app.route("/", productRoutes(deps));
  app.route("/", categoryRoutes(deps));
  return app;
}
