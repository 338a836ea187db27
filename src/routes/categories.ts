// /api/categories: list, get, create, update, delete. A rename reaches search through the
// products it touches (the store bumps their updatedAt; the sync re-indexes them). Deleting a
// category that live products use is refused (409).
import type { AppDeps } from "../app.ts";
import { NotFoundError } from "../errors.ts";
import { CategoryListSchema, CategoryPatchSchema, CategorySchema, IdParams, idParam, NewCategorySchema } from "./catalog-schemas.ts";
import { adminSecurity, commonErrors, createRoute, createRouter, guardedErrors, notFoundError, z } from "./openapi.ts";

const json = <T extends z.ZodType>(schema: T, description: string) => ({ description, content: { "application/json": { schema } } });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { "application/json": { schema } } } });
const conflict = (description: string) => ({
  description,
  content: { "application/json": { schema: commonErrors[400].content["application/json"].schema } },
});

export function categoryRoutes(deps: AppDeps) {
  const app = createRouter();
  const { catalog } = deps;

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/categories",
      tags: ["Categories"],
      summary: "Every category, by name",
      responses: { 200: json(CategoryListSchema, "The categories"), 500: commonErrors[500] },
    }),
    async (c) => {
      const items = await catalog.listCategories();
      return c.json({ items, total: items.length }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/categories/{id}",
      tags: ["Categories"],
      summary: "One category",
      request: { params: IdParams },
      responses: { 200: json(CategorySchema, "The category"), 404: notFoundError("category"), ...commonErrors },
    }),
    async (c) => {
      const id = idParam(c.req.valid("param").id);
      const cat = await catalog.getCategory(id);
      if (!cat) throw new NotFoundError("category", String(id));
      return c.json(cat, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/categories",
      tags: ["Categories"],
      summary: "Create a category",
      security: adminSecurity,
      request: body(NewCategorySchema),
      responses: { 201: json(CategorySchema, "Created"), 409: conflict("A category has this name"), ...guardedErrors, ...commonErrors },
    }),
    async (c) => {
      const cat = await catalog.createCategory(c.req.valid("json"));
      c.header("Location", `/api/categories/${cat.id}`);
      return c.json(cat, 201);
    },
  );

  app.openapi(
    createRoute({
      method: "put",
      path: "/api/categories/{id}",
      tags: ["Categories"],
      summary: "Rename or redescribe a category: the fields given change",
      security: adminSecurity,
      request: { params: IdParams, ...body(CategoryPatchSchema) },
      responses: { 200: json(CategorySchema, "The category after the change"), 404: notFoundError("category"), 409: conflict("A category has this name"), ...guardedErrors, ...commonErrors },
    }),
    async (c) => {
      const id = idParam(c.req.valid("param").id);
      const cat = await catalog.updateCategory(id, c.req.valid("json"));
      if (!cat) throw new NotFoundError("category", String(id));
      return c.json(cat, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/categories/{id}",
      tags: ["Categories"],
      summary: "Delete a category no live product uses",
      security: adminSecurity,
      request: { params: IdParams },
      responses: { 204: { description: "Deleted" }, 404: notFoundError("category"), 409: conflict("Live products use this category"), ...guardedErrors, ...commonErrors },
    }),
    async (c) => {
      const id = idParam(c.req.valid("param").id);
      if (!(await catalog.deleteCategory(id))) throw new NotFoundError("category", String(id));
      return c.body(null, 204);
    },
  );

  return app;
}
