// Headless Debian Chromium driven by playwright-core (no browser downloads), and the dashboard
// served on a real socket (127.0.0.1, a free port) over a real runtime.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { startDashboard, type Dashboard } from "../views/dashboard-harness.ts";
import type { RuntimeOptions } from "../../src/actors/runtime/runtime.ts";

export const SCREENSHOTS = join(import.meta.dirname, "../../test-artifacts/screenshots");

export interface LiveDashboard extends Dashboard {
  base: string;
  server: ServerType;
}

export async function serveDashboard(overrides: Partial<RuntimeOptions> = {}): Promise<LiveDashboard> {
  const d = await startDashboard(overrides, { socket: true });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: d.app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const close = d.close;
  return {
    ...d,
    base: `http://127.0.0.1:${port}`,
    server,
    async close() {
      // Live pages hold an event stream open: drop every connection, then stop.
      (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await close();
    },
  };
}

export interface Chrome {
  context: BrowserContext;
  page: Page;
  /** Console errors and failed requests seen so far (a CSP violation shows up here). */
  problems: string[];
  shot(name: string, page?: Page): Promise<string>;
  close(): Promise<void>;
}

export async function launchChrome(viewport = { width: 1366, height: 900 }, opts: { javaScriptEnabled?: boolean } = {}): Promise<Chrome> {
  const profile = mkdtempSync(join(tmpdir(), "cj-chrome-"));
  // A fresh profile (--user-data-dir) per run: playwright takes it as the persistent context's dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    viewport,
    javaScriptEnabled: opts.javaScriptEnabled ?? true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems: string[] = [];
  const watch = (p: Page) => {
    p.on("console", (m) => {
      if (m.type() === "error") problems.push(`console: ${m.text()}`);
    });
    p.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    p.on("dialog", (d) => void d.accept());
  };
  watch(page);
  context.on("page", watch);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    problems,
    async shot(name, p = page) {
      const path = join(SCREENSHOTS, `${name}.png`);
      await p.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
