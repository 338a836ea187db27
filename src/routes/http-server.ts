// The HTTP listener. @hono/node-server builds a web Request from each Node request; when it cannot
// (a Host header that is no host name, a backslash in the path), its answer is an empty 400. Those
// requests get the API's error body here, naming the part that was wrong.
import { getRequestListener, RequestError } from "@hono/node-server";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../logger.ts";
import { errorBody, type ErrorBody } from "./error-handler.ts";

type Fetch = (request: Request) => Response | Promise<Response>;

/** An authority without user info: a name (RFC 3986 unreserved characters) or [address], then an optional port. */
const AUTHORITY = /^(?:\[[0-9a-f:.]+\]|[a-z0-9._~-]+)(?::\d*)?$/i;

/**
 * The Host header as a URL keeps it ("LOCALHOST:80" → "localhost", "127.1" → "127.0.0.1",
 * "[0:0:0:0:0:0:0:1]" → "[::1]"), or null when it names no host. "" stays "": a target without
 * authority, answered under the listener's own name (as HTTP/1.0 without Host is).
 */
export function normalizeHost(host: string): string | null {
  if (host === "") return "";
  if (!AUTHORITY.test(host) || !URL.canParse(`http://${host}/`)) return null;
  return new URL(`http://${host}/`).host;
}

function send(outgoing: ServerResponse, status: number, body: ErrorBody) {
  const json = JSON.stringify(body);
  // Connection: close, as the request's body (if any) is not read.
  outgoing.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json), connection: "close" });
  outgoing.end(json);
}

export function createHttpServer(fetch: Fetch, logger: Logger, hostname?: string): Server {
  const listener = getRequestListener(fetch, {
    hostname,
    errorHandler: (err) => {
      // The Host header was checked before: what is left is the request line's target.
      if (err instanceof RequestError) {
        return Response.json(errorBody("bad_request", `${err.message}: expected a path that starts with / and has no backslash`, "path"), { status: 400 });
      }
      // The app answers its own errors; this is reached only if fetch itself threw.
      logger.error("Request failed outside the app", err);
      return Response.json(errorBody("internal_error", "Internal server error"), { status: 500 });
    },
  });
  return createServer((incoming, outgoing) => {
    const host = incoming.headers.host;
    if (host !== undefined) {
      const normal = normalizeHost(host);
      if (normal === null) {
        const shown = JSON.stringify(host.length > 100 ? host.slice(0, 100) + "…" : host);
        return send(outgoing, 400, errorBody("bad_request", `Host header ${shown} is not valid: expected a host name or address, with an optional port (e.g. localhost:8080)`, "Host"));
      }
      // As a URL keeps it, so the adapter does not refuse it again (it compares the two).
      if (normal) incoming.headers.host = normal;
    }
    void listener(incoming, outgoing);
  });
}
