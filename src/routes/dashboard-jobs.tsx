// Jobs in the dashboard: lists by state (keyset pages, filter, search), retries, one job's
// details, and the actions on them (requeue, delete; one job or a batch). Actions are POSTs that
// answer 303 See Other: a browser without JavaScript lands on the page again with a notice, and
// htmx follows the redirect with its headers, so it gets back just the part it swaps.
import type { Context } from "hono";
import { Hono } from "hono";
import { ConflictError, NotFoundError } from "../errors.ts";
import type { JobQuery, JobSummary } from "../ledger/ledger.ts";
import { type JobDetailsData, JobNotFound, JobView } from "../views/job-details.tsx";
import { type JobListData, JobListPage, JobRow, JobTable, StateTabs } from "../views/jobs-list.tsx";
import { type RetriesData, RetriesPage, RetriesTable } from "../views/retries.tsx";
import { STALE_AFTER_MS } from "../views/servers.tsx";
import { BASE, type ListState, stateFromSlug, urls } from "../views/urls.ts";
import type { DashboardContext } from "./dashboard-context.ts";
import { type ActionCode, outcomeQuery, type Outcome } from "./dashboard-notices.ts";
import { readForm } from "./dashboard-form.ts";
import { respond, view } from "./dashboard-respond.tsx";

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const MAX_BATCH = 1000;
/**
 * Filters no index serves (text search; attempt > 0 among Scheduled jobs) scan rows. A page scans
 * windows of ids, newest first, until it is full, the ledger's start is reached or the time
 * budget is spent; then "Search older" continues below what was scanned. A text scan reads ~2.5
 * rows/µs: a rare word in 1,000,000 jobs took ~400 ms in one query, now each answer stays near
 * the budget and says which ids it looked at.
 */
const SEARCH_SCAN = { window: 20_000, budgetMs: 15 };
const RETRY_SCAN = { window: 20_000, budgetMs: 15 };
/**
 * A state and a type together: the ledger has an index on each, not on both, and the planner
 * picks one; "Enqueued jobs of type X" then walked all of X's rows (220 ms at 1,000,000 jobs).
 * Windows bound that too.
 */
const STATE_AND_TYPE_SCAN = { window: 20_000, budgetMs: 15 };

export interface Windowed {
  jobs: JobSummary[];
  /** The Older link's cursor (a `before`), or null at the end. */
  next: string | null;
  /** The ids this page looked at, when it scanned windows. */
  scanned: { from: number; to: number } | null;
}

/** One page of `query`, newest first; with `scan`, by windows of ids within a time budget. */
async function page(dash: DashboardContext, query: JobQuery, limit: number, scan: { window: number; budgetMs: number } | null): Promise<Windowed> {
  const rt = dash.runtime;
  if (scan === null) {
    const found = await rt.listJobs({ ...query, limit: limit + 1 });
    return { jobs: found.slice(0, limit), next: found.length > limit ? found[limit - 1].id : null, scanned: null };
  }
  const started = performance.now(); // a latency budget, not a business time: no clock needed
  let top = query.before !== undefined ? Number(query.before) : Number((await rt.listJobs({ limit: 1 }))[0]?.id ?? 0) + 1;
  const to = top - 1;
  const jobs: JobSummary[] = [];
  let floor: number;
  do {
    floor = Math.max(0, top - 1 - scan.window);
    jobs.push(...(await rt.listJobs({ ...query, before: String(top), after: String(floor), limit: limit + 1 - jobs.length })));
    top = floor + 1;
  } while (jobs.length <= limit && floor > 0 && performance.now() - started < scan.budgetMs);
  const next = jobs.length > limit ? jobs[limit - 1].id : floor > 0 ? String(floor + 1) : null;
  return { jobs: jobs.slice(0, limit), next, scanned: { from: jobs.length > limit ? Number(jobs[limit - 1].id) : floor + 1, to } };
}

function limitOf(raw: string | undefined): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? Math.min(n, MAX_LIMIT) : DEFAULT_LIMIT;
}

function textParam(raw: string | undefined, max: number): string | undefined {
  // Control characters become spaces: a NUL would cut the search short (everything before it matches).
  const t = raw?.replace(/[\u0000-\u001f\u007f]/g, " ").trim();
  return t ? t.slice(0, max) : undefined;
}

function cursor(raw: string | undefined): string | undefined {
  return raw && /^\d{1,15}$/.test(raw) ? raw : undefined;
}

/** Server ids that no longer heartbeat, among those running `jobs`. */
async function staleServersOf(dash: DashboardContext, jobs: JobSummary[], now: number): Promise<Set<string>> {
  const running = jobs.filter((j) => j.state === "Processing" && j.serverId);
  if (!running.length) return new Set();
  const alive = new Set((await dash.runtime.ledger.listServers()).filter((s) => now - s.heartbeatAt <= STALE_AFTER_MS).map((s) => s.id));
  return new Set(running.map((j) => j.serverId!).filter((id) => !alive.has(id)));
}

/** Where an action may send the browser back to: a dashboard page, never another site. */
function safeNext(raw: unknown, fallback: string): string {
  if (typeof raw !== "string" || /[\\\s]/.test(raw)) return fallback;
  // Checked as it will be followed: "/hangfire/..//evil.example" resolves to "//evil.example".
  let url: URL;
  try {
    url = new URL(raw, "http://x");
  } catch {
    return fallback;
  }
  if (url.origin !== "http://x" || !url.pathname.startsWith(BASE + "/") || url.pathname.startsWith("//")) return fallback;
  return url.pathname + url.search;
}

/** `next` with the action's outcome in its query (any earlier outcome replaced). */
function withOutcome(next: string, o: Outcome): string {
  const url = new URL(next, "http://x");
  for (const k of ["done", "n", "skipped", "job", "rec"]) url.searchParams.delete(k);
  const rest = url.searchParams.toString();
  return `${url.pathname}?${rest ? rest + "&" : ""}${outcomeQuery(o)}`;
}

function idsFrom(value: unknown): string[] {
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return [...new Set(list.filter((v): v is string => typeof v === "string" && /^\d{1,15}$/.test(v)))].slice(0, MAX_BATCH);
}

async function apply(dash: DashboardContext, action: "requeue" | "delete", ids: string[]): Promise<{ n: number; skipped: number }> {
  // All at once: the runtime's group commit writes them in one transaction.
  const results = await Promise.allSettled(ids.map((id) => (action === "requeue" ? dash.runtime.requeue(id) : dash.runtime.delete(id))));
  let n = 0;
  for (const r of results) {
    if (r.status === "fulfilled") n++;
    else if (!(r.reason instanceof ConflictError || r.reason instanceof NotFoundError)) throw r.reason;
  }
  return { n, skipped: ids.length - n };
}

export function jobRoutes(dash: DashboardContext): Hono {
  const app = new Hono();
  const rt = dash.runtime;

  app.get("/jobs", (c) => c.redirect(urls.jobs("Enqueued"), 302));

  app.get("/jobs/:state", async (c) => {
    const state = stateFromSlug(c.req.param("state"));
    if (!state) return c.notFound();
    const v = view(c, dash);
    const params = {
      type: textParam(c.req.query("type"), 200),
      q: textParam(c.req.query("q"), 200),
      before: cursor(c.req.query("before")),
      limit: limitOf(c.req.query("limit")),
    };
    const query: JobQuery = { state: state === "all" ? undefined : state, type: params.type, q: params.q, before: params.before, limit: params.limit };
    const [found, counts] = await Promise.all([page(dash, query, params.limit, params.q ? SEARCH_SCAN : params.type && state !== "all" ? STATE_AND_TYPE_SCAN : null), rt.countByState()]);
    const jobs = found.jobs;
    // A number typed into the search is first of all a job id: show that job even when it is
    // older than the window the text search looked at.
    if (params.q && !params.before && /^\d{1,15}$/.test(params.q) && !jobs.some((j) => j.id === params.q)) {
      const exact = await rt.getJob(params.q);
      if (exact && (state === "all" || exact.state === state) && (!params.type || exact.type === params.type)) jobs.unshift(exact);
    }
    const d: JobListData = {
      state,
      jobs,
      next: found.next,
      scanned: found.scanned,
      params,
      types: rt.jobTypes().sort(),
      counts,
      staleServers: await staleServersOf(dash, jobs, v.now),
    };
    const url = urls.jobs(state, { ...params, limit: params.limit === DEFAULT_LIMIT ? undefined : params.limit });
    return respond(c, dash, {
      title: state === "all" ? "All jobs" : `${state} jobs`,
      section: "jobs",
      main: () => <JobListPage d={d} v={v} url={url} />,
      part: (t) =>
        t === "job-table" ? () => <JobTable d={d} v={v} url={url} /> : t === "state-tabs" ? () => <StateTabs state={state} counts={counts} url={url} /> : null,
    });
  });

  app.get("/retries", async (c) => {
    const v = view(c, dash);
    const limit = limitOf(c.req.query("limit"));
    const before = cursor(c.req.query("before"));
    const [found, counts] = await Promise.all([page(dash, { state: "Scheduled", minAttempt: 1, before, limit }, limit, RETRY_SCAN), rt.countByState()]);
    const d: RetriesData = { jobs: found.jobs, next: found.next, scanned: found.scanned, before, limit, counts };
    const url = urls.retries({ before });
    return respond(c, dash, {
      title: "Retries",
      section: "retries",
      main: () => <RetriesPage d={d} v={v} url={url} />,
      part: (t) => (t === "job-table" ? () => <RetriesTable d={d} v={v} url={url} /> : t === "state-tabs" ? () => <StateTabs state="retries" counts={d.counts} url={url} /> : null),
    });
  });

  app.get("/jobs/details/:id", async (c) => {
    const id = c.req.param("id");
    const v = view(c, dash);
    const job = await rt.getJob(id);
    if (!job) {
      return respond(c, dash, {
        title: `Job #${id}`,
        section: "jobs",
        status: 404,
        main: () => <JobNotFound id={id} />,
        // A live row whose job expired meanwhile: an empty answer removes it.
        part: (t) => (t.startsWith("job-row-") ? () => null : null),
      });
    }
    const d: JobDetailsData = { job, serverAlive: true };
    if (job.state === "Processing" && job.serverId) d.serverAlive = !(await staleServersOf(dash, [job], v.now)).has(job.serverId);
    return respond(c, dash, {
      title: `Job #${job.id}`,
      section: "jobs",
      main: () => <JobView d={d} v={v} />,
      part: (t) => {
        if (t === "job-view") return () => <JobView d={d} v={v} />;
        if (t === `job-row-${job.id}`) {
          const list: ListState = stateFromSlug(c.req.query("row") ?? "all") ?? "all";
          return () => <JobRow j={job} list={list} v={v} stale={d.serverAlive ? new Set() : new Set([job.serverId!])} />;
        }
        return null;
      },
    });
  });

  const single = (action: "requeue" | "delete") => async (c: Context) => {
    const id = c.req.param("id")!;
    const { n, skipped } = await apply(dash, action, /^\d{1,15}$/.test(id) ? [id] : []);
    return c.redirect(withOutcome(urls.job(id), { done: action, n, skipped: skipped || (n ? 0 : 1), job: id }), 303);
  };
  app.post("/jobs/actions/requeue/:id", single("requeue"));
  app.post("/jobs/actions/delete/:id", single("delete"));

  app.post("/jobs/:list/batch", async (c) => {
    const list = c.req.param("list");
    const fallback = list === "retries" ? urls.retries() : urls.jobs(stateFromSlug(list) ?? "all");
    const body = await readForm(c, { all: true });
    const action = body.action;
    if (action !== "requeue" && action !== "delete") return c.redirect(fallback, 303);
    const ids = idsFrom(body.jobs);
    const { n, skipped } = await apply(dash, action, ids);
    return c.redirect(withOutcome(safeNext(body.next, fallback), { done: action as ActionCode, n, skipped }), 303);
  });

  return app;
}
