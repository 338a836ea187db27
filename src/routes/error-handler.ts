// One error shape for every failure:
//   { "error": { "code": "validation_error", "message": "delayMinutes must be …", "field": "delayMinutes" } }
// Known errors map to 4xx; anything else is a 500 whose cause is logged, never sent.
import type { Context, MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConflictError, DependencyUnavailableError, NotFoundError, ValidationError } from "../errors.ts";
import type { Logger } from "../logger.ts";

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: field ? { code, message, field } : { code, message } };
}

const HTTP_CODES: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "too_many_requests",
};

/** Tells logServerErrors that this request's 5xx was already logged, with its cause. */
export function markErrorLogged(c: Context<any>): void {
  c.set("errorLogged", true);
}

/**
 * Logs a 5xx that reached the client without passing the error handler (a handler that returned
 * one itself), so every 5xx leaves a line in the log.
 */
export function logServerErrors(logger: Logger): MiddlewareHandler {
  return async function logServerErrors(c, next) {
    await next();
    if (c.res.status >= 500 && !c.get("errorLogged")) logger.warn(`${c.req.method} ${c.req.path} answered ${c.res.status}`);
  };
}

export function errorHandler(logger: Logger) {
  return function onError(err: Error, c: Context) {
    if (err instanceof ValidationError) return c.json(errorBody("validation_error", err.message, err.field), 400);
    if (err instanceof NotFoundError) return c.json(errorBody("not_found", err.message), 404);
    if (err instanceof ConflictError) return c.json(errorBody("conflict", err.message), 409);
    if (err instanceof DependencyUnavailableError) {
      c.set("errorLogged", true);
      logger.warn(`${c.req.method} ${c.req.path}: ${err.dependency} unavailable`, err);
      return c.json(errorBody("dependency_unavailable", `${err.dependency} is unavailable; try again shortly`), 503);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      if (status >= 500) {
        c.set("errorLogged", true);
        logger.error(`${c.req.method} ${c.req.path} failed with ${status}`, err.cause ?? err);
        return c.json(errorBody("internal_error", "The server failed to handle the request; the cause is in its log"), status);
      }
      if (status === 400 && /json|body/i.test(err.message)) {
        return c.json(errorBody("malformed_body", `the request body is not valid JSON (${err.message}); send a JSON object with Content-Type: application/json`, "body"), 400);
      }
      if (status === 415) {
        const got = c.req.header("content-type");
        const message = `send the body as JSON with Content-Type: application/json; got ${got ? JSON.stringify(got) : "no Content-Type"}`;
        return c.json(errorBody("unsupported_media_type", message, "Content-Type"), 415);
      }
      const code = HTTP_CODES[status] ?? "http_error";
      return c.json(errorBody(code, err.message || "Request failed"), status);
    }
    c.set("errorLogged", true);
    logger.error(`${c.req.method} ${c.req.path} failed`, err);
    return c.json(errorBody("internal_error", "The server failed to handle the request; the cause is in its log"), 500);
  };
}
