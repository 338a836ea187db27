// How a dashboard URL answers. One URL serves three audiences, so every answer says
// `Vary: HX-Request, HX-Target`:
//   - a plain request (a link, a bookmark, no JavaScript): the whole page;
//   - htmx aiming at #main (boosted links and forms): the page's content, its <title>, and the
//     nav out of band;
//   - htmx aiming at an element the page declares as a part (a table, a row, a graph): that
//     element alone.
// A history restore (HX-History-Restore-Request) gets the whole page.
import type { Context } from "hono";
import { raw } from "hono/html";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { View } from "../views/components.tsx";
import { Notice } from "../views/components.tsx";
import { documentTitle, Layout, Nav, type Section } from "../views/layout.tsx";
import { csrfToken } from "./access/csrf.ts";
import type { DashboardContext } from "./dashboard-context.ts";
import { noticeFrom } from "./dashboard-notices.ts";

type Node = JSX.Element | null;

export interface Page {
  title: string;
  section: Section;
  /** The content of #main. */
  main: () => Node | Promise<Node>;
  /** Elements this URL can render alone, by id (the HX-Target header). */
  part?: (target: string) => (() => Node | Promise<Node>) | null;
  status?: 200 | 404 | 409 | 422;
}

/** One CSRF token per page: the meta tag, htmx's header and every form carry the same one. */
function pageToken(c: Context): string {
  let token = c.get("dashboardCsrf") as string | undefined;
  if (!token) c.set("dashboardCsrf", (token = csrfToken(c)));
  return token;
}

export function view(c: Context, dash: DashboardContext): View {
  return { now: dash.clock.now(), csrf: pageToken(c) };
}

/** What the request asks for: "page", "main" or the id of a part. */
export function wanted(c: Context): string {
  if (c.req.header("hx-request") !== "true" || c.req.header("hx-history-restore-request") === "true") return "page";
  return c.req.header("hx-target") || "page";
}

export async function respond(c: Context, dash: DashboardContext, page: Page): Promise<Response> {
  c.header("Vary", "HX-Request, HX-Target");
  c.header("Cache-Control", "no-store");
  const status = page.status ?? 200;
  const want = wanted(c);
  if (want !== "page" && want !== "main") {
    const part = page.part?.(want);
    if (part) return c.html((await part()) ?? "", status);
  }
  const notice = noticeFrom(new URL(c.req.url).searchParams);
  const main = await page.main();
  if (want === "main") {
    return c.html(
      <>
        <title>{documentTitle(page.title)}</title>
        <Nav active={page.section} oob />
        <Notice notice={notice} />
        {main}
      </>,
      status,
    );
  }
  return c.html(
    <>
      {raw("<!doctype html>")}
      <Layout title={page.title} active={page.section} csrf={pageToken(c)} assets={dash.assets} serverId={dash.runtime.serverId}>
        <Notice notice={notice} />
        {main}
      </Layout>
    </>,
    status,
  );
}
