// GET /hangfire — the dashboard. Every route behind requireAdmin (local-only by default, Admin
// when users are configured) and CSRF protection; every answer with a strict Content-Security-
// Policy (scripts and styles from this server only), so even a value that escaped escaping could
// not run. Pages: overview, jobs by state, job details, retries, recurring jobs, servers; live
// updates over /hangfire/events (dashboard-live.ts).
import { Hono } from "hono";
import type { MiddlewareHandler } from "hono";
import { streamSSE } from "hono/streaming";
import type { AppDeps } from "../app.ts";
import { OverviewLive, OverviewPage, type OverviewData } from "../views/overview.tsx";
import { ServerList, ServersPage, STALE_AFTER_MS } from "../views/servers.tsx";
import { urls } from "../views/urls.ts";
import { PageHeader } from "../views/components.tsx";
import { UnreadableFormError } from "../errors.ts";
import { requireAdmin } from "./access/access-control.ts";
import { csrfProtection } from "./access/csrf.ts";
import { assetRoutes, loadAssets } from "./dashboard-assets.ts";
import type { DashboardContext } from "./dashboard-context.ts";
import { jobRoutes } from "./dashboard-jobs.tsx";
import { LiveFeed } from "./dashboard-live.ts";
import { recurringRoutes } from "./dashboard-recurring.tsx";
import { respond, view } from "./dashboard-respond.tsx";
import { allTimeTotals, dailySlots, hourlySlots, realtimeSlots } from "./dashboard-stats.ts";

/** Seconds shown by the realtime graph (Hangfire shows one minute; two show a trend). */
const REALTIME_SECONDS = 120;

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders: MiddlewareHandler = async function securityHeaders(c, next) {
  await next();
  c.header("Content-Security-Policy", CSP);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("X-Frame-Options", "DENY");
  c.header("Referrer-Policy", "same-origin");
};

export function dashboardRoutes(deps: AppDeps): Hono {
  const loaded = loadAssets();
  const dash: DashboardContext = {
    runtime: deps.runtime,
    clock: deps.clock,
    logger: deps.logger,
    assets: loaded.assets,
    live: new LiveFeed(deps.runtime.events, deps.clock),
  };
  const rt = deps.runtime;
  const app = new Hono();
  app.use("*", securityHeaders, requireAdmin(deps), csrfProtection(deps));

  // A bare page: the error may have come from the layout's own reads.
  const errorPage = (title: string, heading: string, sub: string) => (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{title} · Catalog Jobs</title>
      </head>
      <body>
        <PageHeader title={heading} sub={sub} />
        <a href={urls.overview()}>Back to the dashboard</a>
      </body>
    </html>
  );
  app.onError((err, c) => {
    c.header("Cache-Control", "no-store");
    if (err instanceof UnreadableFormError) {
      return c.html(errorPage("Form not read", "The form could not be read", "Nothing was changed. Reload the page and send the form again."), 400);
    }
    deps.logger.error(`${c.req.method} ${c.req.path} failed`, err);
    return c.html(errorPage("Error", "Something went wrong", "The server could not handle this request; the cause is in its log."), 500);
  });

  app.route("/", assetRoutes(loaded));

  app.get("/", async (c) => {
    const v = view(c, dash);
    const now = v.now;
    const ledger = rt.ledger;
    const live = c.req.header("hx-target") === "overview-live";
    // The refresh every second needs only the tiles and the realtime graph.
    const [counts, totals, realtime, recurring, servers, hourly, daily] = await Promise.all([
      rt.countByState(),
      allTimeTotals(ledger),
      realtimeSlots(ledger, now, REALTIME_SECONDS),
      rt.listRecurring(),
      ledger.listServers(),
      live ? null : hourlySlots(ledger, now),
      live ? null : dailySlots(ledger, now),
    ]);
    const alive = servers.filter((s) => now - s.heartbeatAt <= STALE_AFTER_MS);
    const empty = { starts: [], succeeded: [], failed: [] };
    const d: OverviewData = {
      counts,
      totals,
      realtime,
      hourly: hourly ?? empty,
      daily: daily ?? empty,
      recurring: { total: recurring.length, enabled: recurring.filter((r) => r.enabled).length },
      servers: alive.length,
      workers: alive.reduce((a, s) => a + s.workerCount, 0),
    };
    return respond(c, dash, {
      title: "Overview",
      section: "overview",
      main: () => <OverviewPage d={d} v={v} />,
      part: (t) => (t === "overview-live" ? () => <OverviewLive d={d} v={v} /> : null),
    });
  });

  app.route("/", jobRoutes(dash));
  app.route("/", recurringRoutes(dash));

  app.get("/servers", async (c) => {
    const v = view(c, dash);
    const d = {
      servers: await rt.ledger.listServers(),
      thisServer: rt.serverId,
      actors: rt.actors(),
      workers: rt.workers(),
      leader: rt.isLeader,
    };
    return respond(c, dash, {
      title: "Servers",
      section: "servers",
      main: () => <ServersPage d={d} v={v} />,
      part: (t) => (t === "servers" ? () => <ServerList d={d} v={v} /> : null),
    });
  });

  app.get("/events", (c) => {
    c.header("Cache-Control", "no-store");
    c.header("X-Accel-Buffering", "no"); // nginx: don't hold the stream back
    return streamSSE(c, async (stream) => {
      const aborted = new Promise<void>((resolve) => stream.onAbort(resolve));
      let closed = false;
      await stream.writeSSE({ event: "hello", data: "{}", retry: 2000 });
      const off = dash.live.subscribe((m) => {
        if (!closed) void stream.writeSSE({ event: m.event, data: m.data }).catch(() => (closed = true));
      });
      await aborted;
      closed = true;
      off();
    });
  });

  return app;
}
