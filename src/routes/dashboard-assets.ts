// The dashboard's static files: our CSS and script (src/views/assets) and htmx from
// node_modules (never a CDN: the dashboard works offline and behind strict egress). Read and
// gzipped once at start; URLs carry a content hash, so browsers cache them for a year.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { Hono } from "hono";
import { projectPath } from "../paths.ts";
import type { Assets } from "../views/layout.tsx";

interface Asset {
  type: string;
  body: Uint8Array;
  gzip: Uint8Array;
}

const SOURCES: Record<string, { path: string[]; type: string }> = {
  "dashboard.css": { path: ["src", "views", "assets", "dashboard.css"], type: "text/css; charset=utf-8" },
  "dashboard.js": { path: ["src", "views", "assets", "dashboard.js"], type: "text/javascript; charset=utf-8" },
  "favicon.svg": { path: ["src", "views", "assets", "favicon.svg"], type: "image/svg+xml" },
  "htmx.min.js": { path: ["node_modules", "htmx.org", "dist", "htmx.min.js"], type: "text/javascript; charset=utf-8" },
};

export function loadAssets(): { assets: Assets; files: Map<string, Asset> } {
  const files = new Map<string, Asset>();
  const hash = createHash("sha256");
  for (const [name, src] of Object.entries(SOURCES)) {
    const body = readFileSync(projectPath(...src.path));
    hash.update(name).update(body);
    files.set(name, { type: src.type, body, gzip: gzipSync(body, { level: 9 }) });
  }
  return { assets: { version: hash.digest("hex").slice(0, 12) }, files };
}

export function assetRoutes(loaded: ReturnType<typeof loadAssets>): Hono {
  const app = new Hono();
  app.get("/assets/:name", (c) => {
    const file = loaded.files.get(c.req.param("name"));
    if (!file) return c.text("Not found", 404);
    const current = c.req.query("v") === loaded.assets.version;
    c.header("Content-Type", file.type);
    c.header("Cache-Control", current ? "public, max-age=31536000, immutable" : "no-cache");
    c.header("Vary", "Accept-Encoding");
    c.header("X-Content-Type-Options", "nosniff");
    if (/\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
      c.header("Content-Encoding", "gzip");
      return c.body(file.gzip as Uint8Array<ArrayBuffer>);
    }
    return c.body(file.body as Uint8Array<ArrayBuffer>);
  });
  return app;
}
