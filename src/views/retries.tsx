// Retries: Scheduled jobs that already ran and failed (attempt > 0), each with its attempt number,
// when it runs again and the error that sent it back. "Enqueue now" skips the wait.
import type { JobState, JobSummary } from "../ledger/ledger.ts";
import { CsrfField, Empty, type View, When } from "./components.tsx";
import { clip } from "./format.ts";
import { BatchBar, StateTabs } from "./jobs-list.tsx";
import { urls } from "./urls.ts";

export interface RetriesData {
  jobs: JobSummary[];
  /** The next page's cursor, or null at the end. */
  next: string | null;
  scanned: { from: number; to: number } | null;
  before?: string;
  limit: number;
  counts: Record<JobState, number>;
}

export function RetriesTable(props: { d: RetriesData; v: View; url: string }) {
  const { d, v } = props;
  return (
    <div id="job-table">
      <form method="post" action={urls.batch("retries")} class="batch">
        <CsrfField csrf={v.csrf} />
        <input type="hidden" name="next" value={props.url} />
        <div class="table-head">
          <span class="muted">{d.jobs.length ? `${d.jobs.length}${d.next && d.jobs.length >= d.limit ? "+" : ""} waiting to retry` : ""}</span>
          {d.jobs.length ? (
            <BatchBar
              actions={[
                { action: "requeue", label: "Enqueue now" },
                { action: "delete", label: "Delete" },
              ]}
            />
          ) : null}
        </div>
        {d.jobs.length ? (
          <div class="table-wrap">
            <table class="jobs">
              <thead>
                <tr>
                  <th class="check"></th>
                  <th class="id">Id</th>
                  <th>Job</th>
                  <th class="num">Attempt</th>
                  <th>Next attempt</th>
                  <th class="wide">Last error</th>
                </tr>
              </thead>
              <tbody>
                {d.jobs.map((j) => (
                  <tr id={`job-row-${j.id}`}>
                    <td class="check">
                      <input type="checkbox" name="jobs" value={j.id} aria-label={`Select job ${j.id}`} />
                    </td>
                    <td class="id">
                      <a href={urls.job(j.id)}>#{j.id}</a>
                    </td>
                    <td class="job">
                      <a href={urls.job(j.id)} class="type">
                        {j.type}
                      </a>
                      {j.recurringId ? <span class="tag">{j.recurringId}</span> : null}
                    </td>
                    <td class="num">
                      {j.attempt} of {j.maxRetries + 1}
                    </td>
                    <td>
                      <When at={j.enqueueAt} now={v.now} />
                    </td>
                    <td class="wide">
                      {j.error ? (
                        <span class="err" title={j.error.message}>
                          <strong>{j.error.type}</strong> {clip(j.error.message, 120)}
                        </span>
                      ) : (
                        <span class="muted">{j.reason ?? ""}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <Empty>{d.next ? "No retries among the newest jobs." : "No job is waiting for a retry."}</Empty>
        )}
      </form>
      <nav class="pager" aria-label="Pages">
        {d.before ? (
          <a class="btn btn-plain" href={urls.retries()}>
            ← First page
          </a>
        ) : null}
        {d.next ? (
          <a class="btn btn-plain" href={urls.retries({ before: d.next })} rel="next">
            {d.jobs.length ? "More →" : `Look at older jobs (before #${d.next}) →`}
          </a>
        ) : null}
      </nav>
    </div>
  );
}

export function RetriesPage(props: { d: RetriesData; v: View; url: string }) {
  return (
    <>
      <div class="page-head">
        <div>
          <h1>Retries</h1>
          <p class="sub">Jobs that failed and wait for their next attempt. The delay grows with each attempt.</p>
        </div>
      </div>
      <StateTabs state="retries" counts={props.d.counts} url={props.url} />
      <RetriesTable d={props.d} v={props.v} url={props.url} />
    </>
  );
}
