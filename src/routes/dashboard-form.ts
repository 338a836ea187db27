// Dashboard form posts: a body that cannot be read as a form (a broken multipart body, a wrong
// boundary) is the client's mistake, answered 400 by the dashboard's error handler, not a 500.
import type { Context } from "hono";
import { UnreadableFormError } from "../errors.ts";

export async function readForm(c: Context, options?: { all: true }): Promise<Record<string, string | File | (string | File)[]>> {
  try {
    return await c.req.parseBody(options);
  } catch (err) {
    throw new UnreadableFormError(`the form could not be read (${c.req.header("content-type") ?? "no content type"})`, { cause: err });
  }
}
