// Jobs by state: tabs with live counts, a filter (type) and search (id or text in type, arguments,
// error, reason), a table whose columns suit the state, batch actions, and keyset pages
// (newest first; "Older" continues below the last id, so page 50,000 costs what page 1 does).
import { JOB_STATES, type JobState, type JobSummary } from "../ledger/ledger.ts";
import { CsrfField, Empty, type View, ProgressBar, Refresh, StateBadge, When } from "./components.tsx";
import { clip, count, duration } from "./format.ts";
import { type ListParams, type ListState, urls } from "./urls.ts";

export interface JobListData {
  state: ListState;
  jobs: JobSummary[];
  /** The Older link's cursor, or null on the last page. */
  next: string | null;
  /** The ids a search looked at (searches scan a window of ids per page). */
  scanned: { from: number; to: number } | null;
  params: ListParams & { limit: number };
  types: string[];
  counts: Record<JobState, number>;
  /** Processing jobs whose server stopped heartbeating (Hangfire's "aborted" marker). */
  staleServers: Set<string>;
}

type Column = { head: string; cls?: string; cell: (j: JobSummary, v: View, stale: Set<string>) => unknown };

const ENDED = (j: JobSummary) => j.finishedAt ?? j.updatedAt;

function errorCell(j: JobSummary) {
  if (!j.error) return <span class="muted">—</span>;
  return (
    <span class="err" title={j.error.message}>
      <strong>{j.error.type}</strong> {clip(j.error.message, 120)}
    </span>
  );
}

const COLUMNS: Record<ListState, Column[]> = {
  Enqueued: [
    { head: "Queue", cls: "opt", cell: (j) => j.queue },
    { head: "Enqueued", cell: (j, v) => <When at={j.updatedAt} now={v.now} /> },
    { head: "Reason", cls: "opt", cell: (j) => <span class="muted">{j.reason ?? ""}</span> },
  ],
  Scheduled: [
    { head: "Runs", cell: (j, v) => <When at={j.enqueueAt} now={v.now} /> },
    { head: "Attempt", cls: "num", cell: (j) => (j.attempt ? `retry ${j.attempt} of ${j.maxRetries}` : "first") },
    { head: "Reason", cls: "opt", cell: (j) => <span class="muted">{j.reason ?? ""}</span> },
  ],
  Processing: [
    {
      head: "Worker",
      cls: "opt",
      cell: (j, _v, stale) => (
        <>
          <code class="small">{j.workerId ?? "—"}</code>
          {j.serverId && stale.has(j.serverId) ? <span class="badge st-failed" title="Its server stopped heartbeating">aborted?</span> : null}
        </>
      ),
    },
    { head: "Started", cell: (j, v) => <When at={j.startedAt} now={v.now} /> },
    { head: "Progress", cls: "wide", cell: (j) => <ProgressBar percent={j.progress} message={j.progressMessage} /> },
  ],
  Succeeded: [
    { head: "Duration", cls: "num", cell: (j) => duration(j.durationMs) },
    { head: "Latency", cls: "num opt", cell: (j) => duration(j.latencyMs) },
    { head: "Succeeded", cell: (j, v) => <When at={ENDED(j)} now={v.now} /> },
  ],
  Failed: [
    { head: "Failed", cell: (j, v) => <When at={ENDED(j)} now={v.now} /> },
    { head: "Exception", cls: "wide", cell: errorCell },
    { head: "Attempts", cls: "num opt", cell: (j) => String(j.attempt) },
  ],
  Deleted: [
    { head: "Deleted", cell: (j, v) => <When at={ENDED(j)} now={v.now} /> },
    { head: "Reason", cls: "opt", cell: (j) => <span class="muted">{j.reason ?? ""}</span> },
  ],
  all: [
    { head: "State", cell: (j) => <StateBadge state={j.state} /> },
    { head: "Updated", cell: (j, v) => <When at={j.updatedAt} now={v.now} /> },
    { head: "Reason", cls: "opt", cell: (j) => <span class="muted">{j.reason ?? ""}</span> },
  ],
};

const LIVE_STATES = new Set<JobState>(["Enqueued", "Scheduled", "Processing"]);

/**
 * One row. A row of a job that is still moving refreshes itself when the server reports an event
 * for that job (live progress bars); `list` keeps the columns of the page it sits on.
 */
export function JobRow(props: { j: JobSummary; list: ListState; v: View; stale?: Set<string>; selectable?: boolean }) {
  const { j, list, v } = props;
  const live = LIVE_STATES.has(j.state);
  const moved = list !== "all" && j.state !== list;
  return (
    <tr
      id={`job-row-${j.id}`}
      class={moved ? "moved" : undefined}
      data-live={live ? "" : undefined}
    >
      {props.selectable === false ? null : (
        <td class="check">
          <input type="checkbox" name="jobs" value={j.id} aria-label={`Select job ${j.id}`} />
        </td>
      )}
      <td class="id">
        {live ? <Refresh url={`${urls.job(j.id)}?row=${list.toLowerCase()}`} on={`cj:job-${j.id} from:body`} /> : null}
        <a href={urls.job(j.id)}>#{j.id}</a>
      </td>
      <td class="job">
        <a href={urls.job(j.id)} class="type">
          {j.type}
        </a>
        {j.recurringId ? <span class="tag">{j.recurringId}</span> : null}
        {moved ? <StateBadge state={j.state} /> : null}
      </td>
      {COLUMNS[list].map((c) => (
        <td class={c.cls}>{c.cell(j, v, props.stale ?? new Set())}</td>
      ))}
    </tr>
  );
}

const BATCH: Record<ListState, { action: "requeue" | "delete"; label: string }[]> = {
  Enqueued: [{ action: "delete", label: "Delete" }],
  Scheduled: [
    { action: "requeue", label: "Enqueue now" },
    { action: "delete", label: "Delete" },
  ],
  Processing: [{ action: "delete", label: "Delete" }],
  Succeeded: [
    { action: "requeue", label: "Requeue" },
    { action: "delete", label: "Delete" },
  ],
  Failed: [
    { action: "requeue", label: "Requeue" },
    { action: "delete", label: "Delete" },
  ],
  Deleted: [{ action: "requeue", label: "Requeue" }],
  all: [
    { action: "requeue", label: "Requeue" },
    { action: "delete", label: "Delete" },
  ],
};

export function BatchBar(props: { actions: { action: "requeue" | "delete"; label: string }[] }) {
  return (
    <div class="batch-bar">
      <label class="check-all">
        <input type="checkbox" data-check-all aria-label="Select all on this page" /> All
      </label>
      {props.actions.map((a) => (
        <button
          type="submit"
          name="action"
          value={a.action}
          class={`btn btn-${a.action === "delete" ? "danger" : "plain"}`}
          data-confirm={a.action === "delete" ? "Delete the selected jobs?" : undefined}
          data-needs-selection
        >
          {a.label}
          <span class="wide-only">selected</span>
        </button>
      ))}
    </div>
  );
}

function Pager(props: { d: JobListData }) {
  const { d } = props;
  // A search whose window ran out before the page filled continues below the window.
  const searchOn = d.scanned !== null && d.jobs.length < d.params.limit;
  const base = { type: d.params.type, q: d.params.q, limit: d.params.limit === 20 ? undefined : d.params.limit };
  return (
    <nav class="pager" aria-label="Pages">
      {d.params.before ? (
        <a class="btn btn-plain" href={urls.jobs(d.state, base)} rel="first">
          ← Newest
        </a>
      ) : (
        <span class="btn btn-plain disabled">← Newest</span>
      )}
      {d.next ? (
        <a class="btn btn-plain" href={urls.jobs(d.state, { ...base, before: d.next })} rel="next" data-testid="older">
          {searchOn ? `Search older jobs (before #${d.next}) →` : "Older →"}
        </a>
      ) : (
        <span class="btn btn-plain disabled">Older →</span>
      )}
    </nav>
  );
}

function matches(d: JobListData): string {
  const n = `${count(d.jobs.length)}${d.next && d.jobs.length >= d.params.limit ? "+" : ""} matching job${d.jobs.length === 1 ? "" : "s"}`;
  if (!d.scanned) return n;
  return `${n} among jobs #${count(d.scanned.from)}–#${count(d.scanned.to)}`;
}

/** The table with its batch form and pager: what the search box swaps. */
export function JobTable(props: { d: JobListData; v: View; url: string }) {
  const { d, v } = props;
  const cols = COLUMNS[d.state];
  const filtered = !!(d.params.type || d.params.q);
  const total = d.state === "all" ? Object.values(d.counts).reduce((a, b) => a + b, 0) : d.counts[d.state];
  const refresh = d.state === "Enqueued" || d.state === "Processing" || d.state === "Scheduled";
  return (
    <div id="job-table" data-live={refresh ? "" : undefined} data-refresh-on-jobs={refresh ? "" : undefined}>
      {refresh ? <Refresh url={props.url} on="cj:refresh from:closest [data-refresh-on-jobs]" /> : null}
      <form method="post" action={urls.batch(d.state)} class="batch">
        <CsrfField csrf={v.csrf} />
        <input type="hidden" name="next" value={props.url} />
        <div class="table-head">
          <span class="muted" data-testid="result-count">
            {filtered ? matches(d) : `${count(total)} job${total === 1 ? "" : "s"}`}
          </span>
          {d.jobs.length ? <BatchBar actions={BATCH[d.state]} /> : null}
        </div>
        {d.jobs.length ? (
          <div class="table-wrap">
            <table class="jobs">
              <thead>
                <tr>
                  <th class="check"></th>
                  <th class="id">Id</th>
                  <th>Job</th>
                  {cols.map((c) => (
                    <th class={c.cls}>{c.head}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {d.jobs.map((j) => (
                  <JobRow j={j} list={d.state} v={v} stale={d.staleServers} />
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <Empty>{filtered ? "No job matches this search." : `No ${d.state === "all" ? "" : d.state.toLowerCase() + " "}jobs.`}</Empty>
        )}
      </form>
      <Pager d={d} />
    </div>
  );
}

/** The state tabs with live counts; `url` is the page they sit on (it re-renders them). */
export function StateTabs(props: { state: ListState | "retries"; counts: Record<JobState, number>; url: string }) {
  return (
    <nav id="state-tabs" class="tabs" aria-label="Job states" data-live>
      <Refresh url={props.url} on="cj:jobs from:body" />
      {JOB_STATES.map((s) => (
        <a href={urls.jobs(s)} class={`tab ${props.state === s ? "active" : ""}`} aria-current={props.state === s ? "page" : undefined}>
          <span class={`dot ${"d-" + s.toLowerCase()}`} aria-hidden="true"></span>
          {s}
          <span class="n">{count(props.counts[s])}</span>
        </a>
      ))}
      <a href={urls.retries()} class={`tab ${props.state === "retries" ? "active" : ""}`}>
        <span class="dot d-retries" aria-hidden="true"></span>
        Retries
      </a>
      <a href={urls.jobs("all")} class={`tab ${props.state === "all" ? "active" : ""}`}>
        All
      </a>
    </nav>
  );
}

function Filters(props: { d: JobListData }) {
  const { d } = props;
  const action = urls.jobs(d.state);
  return (
    <form method="get" action={action} class="filters" role="search" hx-get={action} hx-trigger="input delay:300ms, change, submit" hx-target="#job-table" hx-swap="outerHTML" hx-push-url="true">
      <input
        type="search"
        name="q"
        value={d.params.q ?? ""}
        placeholder="Search by id, type, arguments or error…"
        aria-label="Search jobs"
        autocomplete="off"
        spellcheck={false}
      />
      <select name="type" aria-label="Job type">
        <option value="">All types</option>
        {d.types.map((t) => (
          <option value={t} selected={t === d.params.type}>
            {t}
          </option>
        ))}
      </select>
      <select name="limit" aria-label="Jobs per page">
        {[20, 50, 100].map((n) => (
          <option value={String(n)} selected={n === d.params.limit}>
            {n} per page
          </option>
        ))}
      </select>
      <button type="submit" class="btn btn-primary">
        Search
      </button>
    </form>
  );
}

const INTRO: Record<ListState, string> = {
  Enqueued: "Waiting for a free worker; picked up in order.",
  Scheduled: "Delayed jobs and retries, each waiting for its instant.",
  Processing: "Running now. Progress and state update live.",
  Succeeded: "Finished jobs; they expire a day after finishing.",
  Failed: "Jobs that used up their retries. They do not expire: requeue or delete them.",
  Deleted: "Deleted jobs; they expire a day after deletion. Requeue brings one back.",
  all: "Every job in the ledger, newest first.",
};

export function JobListPage(props: { d: JobListData; v: View; url: string }) {
  const { d, v } = props;
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{d.state === "all" ? "All jobs" : `${d.state} jobs`}</h1>
          <p class="sub">{INTRO[d.state]}</p>
        </div>
      </div>
      <StateTabs state={d.state} counts={d.counts} url={props.url} />
      <Filters d={d} />
      <JobTable d={d} v={v} url={props.url} />
    </>
  );
}
