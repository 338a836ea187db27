// Swagger UI in a real browser (Debian chromium, driven by playwright-core, which gives it a fresh
// temporary profile): it loads from local
// files under its Content-Security-Policy without an error, lists the operations, and "Try it out"
// on a state-changing endpoint passes the CSRF check by fetching a token first.
import { serve, type ServerType } from "@hono/node-server";
import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { createApp } from "../../src/app.ts";
import { startApp, type TestApp } from "./app-harness.ts";

const CHROMIUM = "/usr/bin/chromium";
const test = suite<{ t: TestApp; server: ServerType; base: string; browser: Browser }>("swagger ui in a browser");

test.before(async (ctx) => {
  ctx.t = await startApp();
  const { clientAddress: _, ...deps } = ctx.t.deps;
  const app = createApp(deps);
  await new Promise<void>((resolve) => {
    ctx.server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
  });
  ctx.base = `http://localhost:${(ctx.server.address() as AddressInfo).port}`;
  if (existsSync(CHROMIUM)) {
    ctx.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }
});
test.after(async (ctx) => {
  await ctx.browser?.close();
  await new Promise<void>((resolve) => ctx.server.close(() => resolve()));
  await ctx.t.close();
});

test("Swagger UI renders every operation without errors, and Try it out passes the CSRF check", async ({ browser, base, t }) => {
  if (!browser) {
    console.log(`  (skipped: no ${CHROMIUM})`);
    return;
  }
  const page = await browser.newPage();
  const problems: string[] = [];
  const outside: string[] = [];
  page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("request", (r) => !r.url().startsWith(base) && !r.url().startsWith("data:") && outside.push(r.url()));
  const statuses: [string, number][] = [];
  page.on("response", (r) => r.url().includes("/api/") && statuses.push([new URL(r.url()).pathname, r.status()]));

  await page.goto(`${base}/swagger`);
  await page.waitForSelector(".opblock", { timeout: 15_000 });
  assert.ok((await page.locator(".opblock").count()) >= 19);

  const block = page.locator("#operations-Background_jobs-post_api_backgroundjobs_trigger_analytics");
  await block.locator(".opblock-summary").click();
  await block.locator("button.try-out__btn").click();
  const queued = t.h.rt.events.waitFor("job:created", (e) => e.type === "daily-analytics", 15_000);
  await block.locator("button.execute").click();
  await queued;
  await block.locator(".live-responses-table").waitFor({ timeout: 10_000 });

  assert.equal(statuses, [
    ["/api/backgroundjobs/csrf-token", 200],
    ["/api/backgroundjobs/trigger-analytics", 200],
  ]);
  assert.equal(problems, []);
  assert.equal(outside, [], "nothing is loaded from outside this server");
  await page.close();
});

test.run();
