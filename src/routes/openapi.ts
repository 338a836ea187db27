// How a route file documents itself: build the router with createRouter(), declare each route
// with createRoute() (request schemas + response schemas with examples) and add it with
// router.openapi(route, handler). The same zod definitions validate the request and generate
// /openapi.json; mounting the router into the app with app.route() is what publishes it (the
// root app merges every OpenAPIHono router's registry), so a route file only needs to be mounted.
//
// Validation failures answer with our one error shape (400, the field named), not zod's.
import { OpenAPIHono, z, type Hook } from "@hono/zod-openapi";
import type { Context } from "hono";
import { errorBody } from "./error-handler.ts";

export { createRoute, z } from "@hono/zod-openapi";

type Issue = { path: PropertyKey[]; message: string; code?: string; keys?: string[] };

/** The zod result of a failed validation → { error: { code, message, field } } with status 400. */
export function validationFailure(issues: Issue[], target: string, c: Context) {
  const issue = issues[0];
  const at = issue?.path.map(String) ?? [];
  // zod puts an unknown key's name in `keys`, not `path`: the key itself is the field.
  const unknownKey = issue?.code === "unrecognized_keys" ? issue.keys?.[0] : undefined;
  const named = unknownKey === undefined ? at : [...at, unknownKey];
  const field = named.length ? named.join(".") : target === "json" ? "body" : target;
  let raw = issue?.message ?? "is not valid";
  if (unknownKey !== undefined && !raw.startsWith(field)) raw = `${field} is not a field this request accepts; remove it`;
  // A repeated query parameter reaches the schema as an array: say what is wrong instead of zod's
  // "expected string, received array" (a schema that words the case itself keeps its message).
  const given = target === "query" && at.length === 1 && !raw.startsWith(field) ? c.req.queries(field) : undefined;
  if (given && given.length > 1) raw = `${field} must be given once; got ${given.length} values: ${JSON.stringify(given)}`;
  // Our schemas' messages start with the field's name; zod's own ("Invalid input: …") get it prefixed.
  const message = raw.startsWith(field) ? raw : `${field}: ${raw}`;
  return c.json(errorBody("validation_error", message, field), 400);
}

export const validationHook: Hook<unknown, any, any, unknown> = (result, c) => {
  if (!result.success) {
    return validationFailure((result as { error: { issues: Issue[] } }).error.issues, (result as { target: string }).target, c);
  }
};

/** A router whose routes appear in the OpenAPI document once mounted. */
export function createRouter(): OpenAPIHono {
  return new OpenAPIHono({ defaultHook: validationHook });
}

/** "a, b or c" */
export const oneOf = (words: string[]) => (words.length > 1 ? `${words.slice(0, -1).join(", ")} or ${words.at(-1)}` : (words[0] ?? ""));

/**
 * A JSON body object that refuses keys it does not know, naming the key (validationFailure makes
 * it the field) and the keys it takes; `what` completes "extra is not a field of …".
 */
export function bodyObject<T extends z.ZodRawShape>(what: string, shape: T) {
  const expected = oneOf(Object.keys(shape));
  return z.strictObject(shape, {
    error: (i) =>
      i.code === "unrecognized_keys"
        ? `${i.keys?.[0]} is not a field of ${what}; expected ${expected}`
        : `body must be a JSON object (${what}); got ${i.input === null ? "null" : Array.isArray(i.input) ? "an array" : `a ${typeof i.input}`}`,
  });
}

// ---- shared schemas ------------------------------------------------------------------------------

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "validation_error" }),
      message: z.string().openapi({ example: "delayMinutes must be a whole number of minutes from 1 to 525600 (a year); got \"-5\"" }),
      field: z.string().optional().openapi({ example: "delayMinutes" }),
    }),
  })
  .openapi("Error");

const errorResponse = (description: string, example: { code: string; message: string; field?: string }) => ({
  description,
  content: { "application/json": { schema: ErrorSchema, example: { error: example } } },
});

/** Responses every route may give, to spread into a route's `responses`. */
export const commonErrors = {
  400: errorResponse("The request is not valid; `field` names what was wrong", {
    code: "validation_error",
    message: "limit must be a whole number from 1 to 500; got \"0\"",
    field: "limit",
  }),
  500: errorResponse("The server failed; the cause is in its log (never in the response)", {
    code: "internal_error",
    message: "The server failed to handle the request; the cause is in its log",
  }),
} as const;

export const notFoundError = (what: string) =>
  errorResponse(`No such ${what}`, { code: "not_found", message: `${what} "42" was not found` });

/** Responses of a guarded (state-changing) route. */
export const guardedErrors = {
  401: errorResponse("Users are configured and no acceptable credentials came (see WWW-Authenticate)", {
    code: "unauthorized",
    message: "credentials required: HTTP Basic (a DASHBOARD_USERS user) or Authorization: Bearer <token>",
  }),
  403: errorResponse("Not from the local machine (no users configured), not an Admin, or refused as cross-site (CSRF)", {
    code: "forbidden",
    message: "user \"viewer\" has role Viewer; this needs role Admin",
  }),
} as const;

/** Security requirement of Admin-only routes (any of the schemes, or the local machine). */
export const adminSecurity: Record<string, string[]>[] = [{ basicAuth: [] }, { bearerAuth: [] }, {}];
