// Swagger UI at /swagger, served from the swagger-ui-dist package's own files (nothing from a
// CDN: the service runs where the internet may not be), over the document every mounted
// OpenAPIHono router contributes to. The document is at /swagger/v1/swagger.json, where
// Swashbuckle put it in the .NET service, and at /openapi.json.
import { Hono } from "hono";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";

const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
  "favicon-16x16.png": "image/png",
};

// Our initializer (the package's own points at the petstore). Unsafe requests from "Try it out"
// first fetch a CSRF token for the same credentials, since the API checks one on every
// state-changing request a browser sends.
const INIT_JS = `"use strict";
window.addEventListener("load", function () {
  var UNSAFE = /^(POST|PUT|PATCH|DELETE)$/i;
  window.ui = SwaggerUIBundle({
    url: "/swagger/v1/swagger.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    requestInterceptor: function (req) {
      if (!req.method || !UNSAFE.test(req.method)) return req;
      var headers = {};
      if (req.headers && req.headers.Authorization) headers.Authorization = req.headers.Authorization;
      return fetch("/api/backgroundjobs/csrf-token", { headers: headers, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) { if (body && body.token) req.headers["X-CSRF-Token"] = body.token; return req; })
        .catch(function () { return req; });
    }
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Catalog Jobs API — Swagger UI</title>
<link rel="stylesheet" href="/swagger/swagger-ui.css">
<link rel="icon" type="image/png" href="/swagger/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="/swagger/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/swagger/swagger-ui-bundle.js" charset="utf-8"></script>
<script src="/swagger/swagger-ui-standalone-preset.js" charset="utf-8"></script>
<script src="/swagger/swagger-init.js" charset="utf-8"></script>
</body>
</html>
`;

// Swagger UI styles its elements inline and shows images as data: URLs; it needs no eval.
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

let assetDir: string | null = null;
function swaggerUiDir(): string {
  return (assetDir ??= dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json")));
}

const cache = new Map<string, { body: Uint8Array; etag: string }>();
function asset(name: string): { body: Uint8Array; etag: string } {
  let a = cache.get(name);
  if (!a) {
    const body = name === "swagger-init.js" ? new TextEncoder().encode(INIT_JS) : new Uint8Array(readFileSync(join(swaggerUiDir(), name)));
    a = { body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
    cache.set(name, a);
  }
  return a;
}

export function swaggerRoutes(document: () => unknown) {
  const app = new Hono();
  let json: string | null = null;
  const serveDoc = (c: import("hono").Context) => {
    json ??= JSON.stringify(document());
    return c.body(json, 200, { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-cache" });
  };
  app.get("/openapi.json", serveDoc);
  app.get("/swagger/v1/swagger.json", serveDoc);
  app.get("/swagger", (c) => c.html(PAGE, 200, { "Content-Security-Policy": CSP, "Cache-Control": "no-cache" }));
  app.get("/swagger/", (c) => c.redirect("/swagger", 301));
  app.get("/swagger/index.html", (c) => c.redirect("/swagger", 301));
  app.get("/swagger/:file{[a-z0-9.-]+}", (c) => {
    const name = c.req.param("file");
    const type = name === "swagger-init.js" ? "text/javascript; charset=utf-8" : ASSETS[name];
    if (!type) return c.notFound();
    const a = asset(name);
    const headers = { "Content-Type": type, ETag: a.etag, "Cache-Control": "public, max-age=86400" };
    if (c.req.header("if-none-match") === a.etag) return c.body(null, 304, headers);
    return c.body(a.body as Uint8Array<ArrayBuffer>, 200, headers);
  });
  return app;
}
