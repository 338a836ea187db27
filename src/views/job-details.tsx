// One job: what it was given, every state it went through (a timeline with the time between
// steps), its exception, timings, attempts and next retry, progress and its log lines. While the
// job moves, the whole view re-renders on each server event for it.
import type { JobDetails, StateRecord } from "../ledger/ledger.ts";
import { ActionButton, type View, ProgressBar, Refresh, StateBadge, When } from "./components.tsx";
import { duration, prettyJson, utc } from "./format.ts";
import { urls } from "./urls.ts";

export interface JobDetailsData {
  job: JobDetails;
  /** False when the job is Processing on a server that stopped heartbeating. */
  serverAlive: boolean;
}

function Field(props: { label: string; children: unknown; testId?: string; wide?: boolean }) {
  return (
    <div class={props.wide ? "field span2" : "field"} data-testid={props.testId}>
      <dt>{props.label}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

interface ErrorData {
  type?: unknown;
  message?: unknown;
  stack?: unknown;
}

function StateData(props: { data: Record<string, unknown> | null }) {
  if (!props.data) return null;
  const { error, ...rest } = props.data as { error?: ErrorData } & Record<string, unknown>;
  const rows = Object.entries(rest).map(([k, v]) => {
    const text =
      (k === "enqueueAt" || k.endsWith("At")) && typeof v === "number"
        ? `${utc(v)} UTC`
        : k === "durationMs" && typeof v === "number"
          ? duration(v)
          : typeof v === "string"
            ? v
            : JSON.stringify(v);
    return (
      <div>
        <dt>{k}</dt>
        <dd>{text}</dd>
      </div>
    );
  });
  return (
    <>
      {rows.length ? <dl class="state-data">{rows}</dl> : null}
      {error ? (
        <div class="exception small-exc">
          <strong>{String(error.type ?? "Error")}</strong>: {String(error.message ?? "")}
        </div>
      ) : null}
    </>
  );
}

function Timeline(props: { history: StateRecord[]; now: number }) {
  const items = props.history.map((h, i) => ({ h, gap: i > 0 ? h.at - props.history[i - 1].at : null }));
  return (
    <ol class="timeline" data-testid="timeline">
      {items.reverse().map(({ h, gap }) => (
        <li class={`tl-${h.state.toLowerCase()}`}>
          <div class="tl-head">
            <StateBadge state={h.state} />
            <When at={h.at} now={props.now} exact />
            {gap !== null ? <span class="gap" title="Time since the previous state">+{duration(gap)}</span> : null}
          </div>
          {h.reason ? <p class="tl-reason">{h.reason}</p> : null}
          <StateData data={h.data} />
        </li>
      ))}
    </ol>
  );
}

function Logs(props: { logs: JobDetails["logs"] }) {
  if (!props.logs.length) return <p class="muted">This job has written no log lines.</p>;
  return (
    <div class="logs" data-stick-bottom data-testid="logs">
      {props.logs.map((l) => (
        <div class={`log log-${l.level}`}>
          <time datetime={new Date(l.at).toISOString()}>{utc(l.at).slice(11)}.{String(Math.floor(l.at) % 1000).padStart(3, "0")}</time>
          <span class="lvl">{l.level}</span>
          <span class="msg">{l.message}</span>
        </div>
      ))}
    </div>
  );
}

export function JobView(props: { d: JobDetailsData; v: View }) {
  const { job } = props.d;
  const { v } = props;
  const retrying = job.state === "Scheduled" && job.attempt > 0;
  const total = job.finishedAt !== null ? job.finishedAt - job.createdAt : null;
  return (
    <section
      id="job-view"
      class={`job-view state-${job.state.toLowerCase()}`}
      data-live
    >
      <Refresh url={urls.job(job.id)} on={`cj:job-${job.id} from:body`} />
      <div class="page-head">
        <div>
          <h1>
            <span class="muted">Job</span> #{job.id} <StateBadge state={job.state} />
          </h1>
          <p class="sub">
            <code class="type">{job.type}</code>
            {job.recurringId ? (
              <>
                {" "}
                from recurring job <a href={`${urls.recurring()}#rec-${job.recurringId}`}>{job.recurringId}</a>
              </>
            ) : null}
            {job.queue !== "default" ? ` · queue ${job.queue}` : null}
          </p>
        </div>
        <div class="page-actions">
          {job.state !== "Processing" ? <ActionButton action={urls.requeue(job.id)} csrf={v.csrf} label="Requeue" kind="primary" testId="requeue" /> : null}
          {job.state !== "Deleted" ? (
            <ActionButton action={urls.delete(job.id)} csrf={v.csrf} label="Delete" kind="danger" confirm={`Delete job #${job.id}?`} testId="delete" />
          ) : null}
        </div>
      </div>

      {job.state === "Processing" && !props.d.serverAlive ? (
        <div class="notice notice-error">The server running this job stopped heartbeating; its lease will expire and the job will be retried.</div>
      ) : null}
      {job.expiresAt !== null ? (
        <div class="notice notice-info">
          This job finished and will be removed automatically <When at={job.expiresAt} now={v.now} />.
        </div>
      ) : null}

      <dl class="facts">
        <Field label="State" wide>
          <StateBadge state={job.state} /> {job.reason ? <span class="muted">{job.reason}</span> : null}
        </Field>
        <Field label="Created">
          <When at={job.createdAt} now={v.now} />
        </Field>
        <Field label="Attempts" testId="attempts">
          {job.attempt <= job.maxRetries + 1 ? `${job.attempt} of ${job.maxRetries + 1}` : `${job.attempt} (${job.maxRetries + 1} allowed; requeued by hand)`}
        </Field>
        {retrying ? (
          <Field label="Next retry" testId="next-retry">
            <When at={job.enqueueAt} now={v.now} /> <span class="muted">({job.enqueueAt ? utc(job.enqueueAt) : ""} UTC)</span>
          </Field>
        ) : job.state === "Scheduled" ? (
          <Field label="Runs">
            <When at={job.enqueueAt} now={v.now} />
          </Field>
        ) : null}
        <Field label="Latency" testId="latency">
          {duration(job.latencyMs)}
        </Field>
        <Field label="Duration" testId="duration">
          {job.state === "Processing" && job.startedAt ? `${duration(v.now - job.startedAt)} so far` : duration(job.durationMs)}
        </Field>
        {total !== null ? <Field label="Total">{duration(total)}</Field> : null}
        {job.serverId ? (
          <Field label="Worker" wide>
            <code class="small">{job.workerId ?? "—"}</code>
          </Field>
        ) : null}
      </dl>

      {job.progress !== null ? (
        <section class="card">
          <h2>Progress</h2>
          <ProgressBar percent={job.progress} message={job.progressMessage} />
        </section>
      ) : null}

      {job.error ? (
        <section class={`card exception-card ${job.state === "Failed" ? "failed" : ""}`} data-testid="exception">
          <h2>{job.state === "Failed" ? "Exception" : "Last exception"}</h2>
          <p class="exception">
            <strong data-testid="exception-type">{job.error.type}</strong>: <span data-testid="exception-message">{job.error.message}</span>
          </p>
          {job.error.stack ? (
            <details open={job.state === "Failed"}>
              <summary>Stack trace</summary>
              <pre class="stack">{job.error.stack}</pre>
            </details>
          ) : null}
        </section>
      ) : null}

      <div class="two">
        <section class="card">
          <h2>Arguments</h2>
          <pre class="json" data-testid="args">{prettyJson(job.args)}</pre>
          {job.state === "Succeeded" ? (
            <>
              <h2>Result</h2>
              <pre class="json">{prettyJson(job.result)}</pre>
            </>
          ) : null}
        </section>
        <section class="card">
          <h2>History</h2>
          <Timeline history={job.history} now={v.now} />
        </section>
      </div>

      <section class="card">
        <div class="card-head">
          <h2>Log</h2>
          <span class="muted">{job.logs.length ? `${job.logs.length} line${job.logs.length === 1 ? "" : "s"}` : ""}</span>
        </div>
        <Logs logs={job.logs} />
      </section>
    </section>
  );
}

export function JobNotFound(props: { id: string }) {
  return (
    <div class="page-head">
      <div>
        <h1>Job #{props.id} was not found</h1>
        <p class="sub">
          It may have expired (succeeded and deleted jobs are kept for a day). <a href={urls.jobs("all")}>All jobs</a>
        </p>
      </div>
    </div>
  );
}
