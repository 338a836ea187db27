// Small pieces every page uses. Text from jobs only ever goes in as JSX children or attribute
// values, which hono/jsx escapes; nothing here builds HTML from strings.
import type { Child } from "hono/jsx";
import type { JobState } from "../ledger/ledger.ts";
import { iso, relative, utc } from "./format.ts";

/** What every view needs besides its data: the instant it renders at and the caller's CSRF token. */
export interface View {
  now: number;
  csrf: string;
}

export const STATE_CLASS: Record<JobState, string> = {
  Enqueued: "st-enqueued",
  Scheduled: "st-scheduled",
  Processing: "st-processing",
  Succeeded: "st-succeeded",
  Failed: "st-failed",
  Deleted: "st-deleted",
};

export function StateBadge(props: { state: JobState | null; label?: string }) {
  if (!props.state) return <span class="badge st-none">—</span>;
  return <span class={`badge ${STATE_CLASS[props.state]}`}>{props.label ?? props.state}</span>;
}

/** An instant as "3 min ago", with the exact UTC time on hover and in the markup. */
export function When(props: { at: number | null | undefined; now: number; exact?: boolean }) {
  if (props.at === null || props.at === undefined) return <span class="muted">—</span>;
  return (
    <time datetime={iso(props.at)} title={`${utc(props.at)} UTC`}>
      {props.exact ? `${utc(props.at)} UTC` : relative(props.at, props.now)}
    </time>
  );
}

/**
 * Makes the closest [data-live] ancestor re-render itself: when `on` fires, this hidden element
 * fetches `url` (the server answers with that ancestor's fresh HTML, by its id in HX-Target) and
 * swaps it in whole. The htmx attributes sit on this leaf, not on the container, so the
 * container's links and forms keep inheriting the page's own target (#main).
 */
export function Refresh(props: { url: string; on: string }) {
  return <i hidden class="refresh" hx-get={props.url} hx-trigger={props.on} hx-target="closest [data-live]" hx-swap="outerHTML"></i>;
}

export function CsrfField(props: { csrf: string }) {
  return <input type="hidden" name="_csrf" value={props.csrf} />;
}

/** A POST button in its own little form: works without JavaScript, htmx boosts it. */
export function ActionButton(props: {
  action: string;
  csrf: string;
  label: string;
  kind?: "primary" | "danger" | "plain";
  confirm?: string;
  /** htmx: swap this instead of #main (e.g. "closest tr"); the POST redirects to a page that renders it. */
  target?: string;
  next?: string;
  testId?: string;
}) {
  return (
    <form
      method="post"
      action={props.action}
      class="inline"
      hx-target={props.target}
      hx-swap={props.target ? "outerHTML" : undefined}
      hx-push-url={props.target ? "false" : undefined}
    >
      <CsrfField csrf={props.csrf} />
      {props.next ? <input type="hidden" name="next" value={props.next} /> : null}
      <button type="submit" class={`btn btn-${props.kind ?? "plain"}`} data-confirm={props.confirm} data-testid={props.testId}>
        {props.label}
      </button>
    </form>
  );
}

export function ProgressBar(props: { percent: number | null; message?: string | null }) {
  const p = Math.max(0, Math.min(100, props.percent ?? 0));
  return (
    <div class="progress">
      <progress max="100" value={String(p)} aria-label={`${Math.round(p)}% done`}>
        {Math.round(p)}%
      </progress>
      <span class="progress-text">
        {Math.round(p)}%{props.message ? <span class="muted"> · {props.message}</span> : null}
      </span>
    </div>
  );
}

export function Empty(props: { children: Child }) {
  return <div class="empty">{props.children}</div>;
}

export function PageHeader(props: { title: string; sub?: Child; actions?: Child }) {
  return (
    <div class="page-head">
      <div>
        <h1>{props.title}</h1>
        {props.sub ? <p class="sub">{props.sub}</p> : null}
      </div>
      {props.actions ? <div class="page-actions">{props.actions}</div> : null}
    </div>
  );
}

/** A message after an action (from the redirect's query), or an error. */
export function Notice(props: { notice: { kind: "ok" | "error"; text: string } | null }) {
  if (!props.notice) return null;
  return (
    <div class={`notice notice-${props.notice.kind}`} role={props.notice.kind === "error" ? "alert" : "status"}>
      {props.notice.text}
    </div>
  );
}
