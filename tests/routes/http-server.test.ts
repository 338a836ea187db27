// Requests that never become a web Request (a Host header that is no host name, a backslash in the
// path) get the API's JSON error naming the part that was wrong, not the adapter's empty 400.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";
import { createLogger, memorySink } from "../../src/logger.ts";
import { createHttpServer, normalizeHost } from "../../src/routes/http-server.ts";

/** Sends a raw request (fetch refuses to send these) and returns status, headers and body. */
function raw(port: number, head: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(head + "\r\n\r\n"));
    let data = "";
    socket.on("data", (d) => (data += d));
    socket.on("error", reject);
    socket.on("end", () => {
      const [headers, ...rest] = data.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(headers)?.[1]);
      const type = /content-type: ([^\r\n]+)/i.exec(headers)?.[1] ?? "";
      resolve({ status, type, body: rest.join("\r\n\r\n") });
    });
  });
}

async function withServer(fn: (port: number, seen: string[]) => Promise<void>) {
  const seen: string[] = [];
  const logs = memorySink();
  const server = createHttpServer((req) => (seen.push(req.url), new Response("ok")), createLogger({ category: "test", level: "warn", sink: logs }), "0.0.0.0");
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    await fn((server.address() as AddressInfo).port, seen);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

test("a Host header that is no host name gets a JSON 400 naming the Host header", () =>
  withServer(async (port, seen) => {
    for (const host of ["a b", "exa mple.com:80", "user@localhost", "localhost/x", "bad\\host"]) {
      const r = await raw(port, `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close`);
      assert.is(r.status, 400, host);
      assert.match(r.type, /application\/json/);
      const body = JSON.parse(r.body);
      assert.is(body.error.field, "Host", host);
      assert.match(body.error.message, /Host header .* is not valid: expected a host name or address/);
    }
    assert.equal(seen, [], "none reached the app");
  }));

test("a backslash in the request path gets a JSON 400 naming the path", () =>
  withServer(async (port, seen) => {
    const r = await raw(port, `GET /hangfire\\..\\x HTTP/1.1\r\nHost: localhost\r\nConnection: close`);
    assert.is(r.status, 400);
    const body = JSON.parse(r.body);
    assert.is(body.error.field, "path");
    assert.match(body.error.message, /Backslash in request path: expected a path that starts with \//);
    assert.equal(seen, []);
  }));

test("valid host names, addresses and ports reach the app", () =>
  withServer(async (port, seen) => {
    for (const host of ["localhost", "localhost:8080", "127.0.0.1:9", "[::1]:8080", "Catalog.Example.com", "svc_1.internal"]) {
      const r = await raw(port, `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close`);
      assert.is(r.status, 200, host);
      assert.is(r.body, "ok");
    }
    const r = await raw(port, `GET /health HTTP/1.0`); // no Host at all: the listener's own name
    assert.is(r.status, 200);
    assert.is(seen.length, 7);
  }));

test("normalizeHost keeps a host as a URL keeps it, and refuses what names no host", () => {
  assert.is(normalizeHost("localhost:8080"), "localhost:8080");
  assert.is(normalizeHost("LOCALHOST:80"), "localhost");
  assert.is(normalizeHost("[::1]"), "[::1]");
  assert.is(normalizeHost(""), ""); // no authority (RFC 9110 7.2)
  assert.is(normalizeHost("localhost:port"), null);
  assert.is(normalizeHost("a?b"), null);
  assert.is(normalizeHost("a#b"), null);
});

test("Host headers the adapter accepted still reach the app: empty, IPv4 shorthand, IPv6 spelled out, absolute-form targets", () =>
  withServer(async (port, seen) => {
    const heads = [
      `GET /health HTTP/1.1\r\nHost: \r\nConnection: close`, // empty: no authority; the listener's own name, as for HTTP/1.0
      `GET /health HTTP/1.1\r\nHost: 127.1:8080\r\nConnection: close`, // 127.0.0.1 to every URL parser
      `GET /health HTTP/1.1\r\nHost: [0:0:0:0:0:0:0:1]:8080\r\nConnection: close`, // [::1] written out
      `GET /health HTTP/1.1\r\nHost: [::ffff:1.2.3.4]\r\nConnection: close`,
      // absolute-form: the target names the host; the Host header's value is ignored (RFC 9112 3.2.2)
      `GET http://localhost:8080/health HTTP/1.1\r\nHost: [0:0:0:0:0:0:0:1]:8080\r\nConnection: close`,
    ];
    for (const head of heads) {
      const r = await raw(port, head);
      assert.is(r.status, 200, `${head.split("\r\n")[1]}: ${r.body}`);
    }
    assert.equal(seen, [
      "http://0.0.0.0/health",
      "http://127.0.0.1:8080/health",
      "http://[::1]:8080/health",
      "http://[::ffff:102:304]/health",
      "http://localhost:8080/health",
    ]);
  }));

test.run();
