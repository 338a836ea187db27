// The page shell. Every page is a full HTML document for a plain link; htmx (hx-boost on <body>)
// turns links and forms into requests that swap only #main, and the server then answers with
// just that fragment (see routes/dashboard-respond.ts). The nav follows along out of band.
import type { Child } from "hono/jsx";
import { BASE, urls } from "./urls.ts";

export type Section = "overview" | "jobs" | "retries" | "recurring" | "servers";

export interface Assets {
  /** Content hash, so assets can be cached for a year and still change on deploy. */
  version: string;
}

const NAV: { section: Section; label: string; more?: string; href: string }[] = [
  { section: "overview", label: "Overview", href: urls.overview() },
  { section: "jobs", label: "Jobs", href: `${BASE}/jobs/enqueued` },
  { section: "retries", label: "Retries", href: urls.retries() },
  { section: "recurring", label: "Recurring", more: "\u00a0jobs", href: urls.recurring() },
  { section: "servers", label: "Servers", href: urls.servers() },
];

// htmx settings: no eval (no hx-on, no trigger filters), no inline <style> (the CSP forbids it),
// no <script> from swapped content, and 4xx answers that carry a page (404, 409, 422) are shown.
const HTMX_CONFIG = JSON.stringify({
  allowEval: false,
  allowScriptTags: false,
  includeIndicatorStyles: false,
  // Under the sticky header, "scroll #main into view" hides the page title; dashboard.js
  // scrolls the window to the top after a page swap instead.
  scrollIntoViewOnBoost: false,
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "(404|409|422)", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ],
});

export function Nav(props: { active: Section; oob?: boolean }) {
  return (
    <nav id="nav" class="nav" aria-label="Dashboard" hx-swap-oob={props.oob ? "true" : undefined}>
      {NAV.map((n) => (
        <a href={n.href} class={n.section === props.active ? "active" : undefined} aria-current={n.section === props.active ? "page" : undefined}>
          {n.label}
          {n.more ? <span class="wide-only">{n.more}</span> : null}
        </a>
      ))}
    </nav>
  );
}

export function documentTitle(title: string): string {
  return `${title} · Catalog Jobs`;
}

export function Layout(props: { title: string; active: Section; csrf: string; assets: Assets; serverId: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        {/* With the app-wide Referrer-Policy: no-referrer, browsers send "Origin: null" on POSTs
            and the CSRF check refuses them; same-origin keeps the Origin and still tells no other site. */}
        <meta name="referrer" content="same-origin" />
        <meta name="csrf-token" content={props.csrf} />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <meta name="dashboard-events" content={urls.events()} />
        <title>{documentTitle(props.title)}</title>
        <link rel="stylesheet" href={urls.asset("dashboard.css", props.assets.version)} />
        <link rel="icon" href={urls.asset("favicon.svg", props.assets.version)} type="image/svg+xml" />
        <script src={urls.asset("htmx.min.js", props.assets.version)} defer></script>
        <script src={urls.asset("dashboard.js", props.assets.version)} defer></script>
      </head>
      <body hx-boost="true" hx-target="#main" hx-headers={JSON.stringify({ "X-CSRF-Token": props.csrf })}>
        <header class="top">
          <a class="brand" href={urls.overview()}>
            <span class="logo" aria-hidden="true"></span>
            Catalog Jobs
          </a>
          <Nav active={props.active} />
          <span id="live" class="live" title="Live updates: connecting…">
            <span class="dot" aria-hidden="true"></span>
            <span class="live-text">live</span>
          </span>
        </header>
        <main id="main">{props.children}</main>
        <footer class="foot">
          <span>
            Server <code>{props.serverId}</code>
          </span>
          <span>All times UTC</span>
        </footer>
      </body>
    </html>
  );
}
