// Recurring jobs: schedule in cron and in words, zone, next and last run, last state; Trigger now,
// Enable/Disable (Hangfire has neither pause nor edit) and an edit form whose preview lists the
// next runs as you type.
import { describeCron } from "../actors/runtime/cron-description.ts";
import { compileCron, occurrencesAfter } from "../actors/runtime/cron.ts";
import { formatInZone, isUtcZone } from "../actors/runtime/zoned-time.ts";
import type { RecurringJob } from "../ledger/ledger.ts";
import { ActionButton, CsrfField, Empty, PageHeader, type View, Refresh, StateBadge, When } from "./components.tsx";
import { relative, utc } from "./format.ts";
import { urls } from "./urls.ts";

const LIVE = new Set(["Enqueued", "Processing", "Scheduled"]);

export function recurringRowId(id: string): string {
  return `rec-${id}`;
}

function describe(r: Pick<RecurringJob, "cron" | "timeZone">): string {
  try {
    return describeCron(r.cron, r.timeZone);
  } catch (err) {
    return (err as Error).message;
  }
}

/** "2026-05-02 02:00" in the zone, with the zone's name. */
function zoned(at: number, zone: string): string {
  return `${formatInZone(at, zone).slice(0, 16).replace("T", " ")} ${zone}`;
}

export function RecurringRow(props: { r: RecurringJob; v: View }) {
  const { r, v } = props;
  const live = r.lastJobId && r.lastJobState && LIVE.has(r.lastJobState);
  const trigger = [`cj:rec-${r.id} from:body`, live ? `cj:job-${r.lastJobId} from:body` : null].filter(Boolean).join(", ");
  return (
    <tr id={recurringRowId(r.id)} class={r.enabled ? undefined : "disabled"} data-live data-recurring={r.id}>
      <td class="rec-id">
        <Refresh url={urls.recurring()} on={trigger} />
        <code>{r.id}</code>
        <div class="muted small">{r.name}</div>
      </td>
      <td class="rec-cron" data-label="Schedule">
        <code>{r.cron}</code>
        <div class="small">{describe(r)}</div>
      </td>
      <td class="opt" data-label="Time zone">{r.timeZone}</td>
      <td class="rec-next" data-label="Next run">
        {!r.enabled ? (
          <span class="badge st-deleted" data-testid="disabled-badge">
            Disabled
          </span>
        ) : r.nextExecution !== null ? (
          <>
            <time datetime={new Date(r.nextExecution).toISOString()} title={`${utc(r.nextExecution)} UTC`}>
              {relative(r.nextExecution, v.now)}
            </time>
            <div class="muted small">{isUtcZone(r.timeZone) ? `${utc(r.nextExecution).slice(0, 16)} UTC` : zoned(r.nextExecution, r.timeZone)}</div>
          </>
        ) : (
          <span class="muted">never</span>
        )}
        {r.error ? (
          <div class="badge st-failed" title={r.error}>
            Error
          </div>
        ) : null}
        {r.overlap === "skip" ? (
          <div class="muted" title="A tick starts no run while the last one has not finished" data-testid={`no-overlap-${r.id}`}>
            skips while running
          </div>
        ) : null}
      </td>
      <td class="rec-last" data-label="Last run">
        {r.lastExecution !== null ? (
          <>
            <When at={r.lastExecution} now={v.now} />
            {r.lastJobId ? (
              <div>
                <a href={urls.job(r.lastJobId)}>#{r.lastJobId}</a> <StateBadge state={r.lastJobState} />
              </div>
            ) : null}
          </>
        ) : (
          <span class="muted">never</span>
        )}
      </td>
      <td class="actions">
        <ActionButton action={urls.recurringAction(r.id, "trigger")} csrf={v.csrf} label="Trigger now" kind="primary" target="closest tr" testId={`trigger-${r.id}`} />
        {r.enabled ? (
          <ActionButton action={urls.recurringAction(r.id, "disable")} csrf={v.csrf} label="Disable" target="closest tr" testId={`disable-${r.id}`} />
        ) : (
          <ActionButton action={urls.recurringAction(r.id, "enable")} csrf={v.csrf} label="Enable" target="closest tr" testId={`enable-${r.id}`} />
        )}
        <a class="btn btn-plain" href={urls.recurringEdit(r.id)} data-testid={`edit-${r.id}`}>
          Edit
        </a>
      </td>
    </tr>
  );
}

export function RecurringPage(props: { list: RecurringJob[]; v: View }) {
  const { list, v } = props;
  return (
    <>
      <PageHeader title="Recurring jobs" sub="Cron schedules in any IANA time zone. Pause one with Disable; change its schedule with Edit." />
      {list.length ? (
        <div class="table-wrap card flush">
          <table class="recurring">
            <thead>
              <tr>
                <th>Id</th>
                <th>Schedule</th>
                <th class="opt">Time zone</th>
                <th>Next run</th>
                <th>Last run</th>
                <th class="actions">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((r) => (
                <RecurringRow r={r} v={v} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <Empty>No recurring jobs are registered.</Empty>
      )}
    </>
  );
}

// ------------------------------------------------------------------ editing

export interface CronDraft {
  cron: string;
  timeZone: string;
  misfire: string;
  overlap: string;
}

/** The plain-language schedule and the next runs of a draft, or why it is not valid. */
export function CronPreview(props: { draft: CronDraft; now: number; count?: number }) {
  const { draft } = props;
  let body;
  try {
    const c = compileCron(draft.cron, draft.timeZone || "UTC");
    const runs = occurrencesAfter(c, props.now, props.count ?? 5);
    const utcZone = isUtcZone(c.timeZone);
    body = (
      <>
        <p class="cron-words" data-testid="cron-words">
          {describeCron(draft.cron, c.timeZone)}
        </p>
        {runs.length ? (
          <ol class="runs" data-testid="next-runs">
            {runs.map((t) => (
              <li>
                <strong>{utcZone ? `${utc(t).slice(0, 16)} UTC` : zoned(t, c.timeZone)}</strong>
                <span class="muted">
                  {utcZone ? "" : ` · ${utc(t).slice(0, 16)} UTC`} · {relative(t, props.now)}
                </span>
              </li>
            ))}
          </ol>
        ) : (
          <p class="muted">This schedule never fires again.</p>
        )}
      </>
    );
  } catch (err) {
    body = (
      <p class="preview-error" role="alert" data-testid="cron-error">
        {(err as Error).message}
      </p>
    );
  }
  return (
    <div id="cron-preview" class="preview" aria-live="polite">
      {body}
    </div>
  );
}

// Only the schedule goes to the preview (not the CSRF token: GET parameters end up in logs).
const PREVIEW_FIELDS = "#edit-form [name='cron'], #edit-form [name='timeZone']";

let zoneList: string[] | null = null;
function zones(): string[] {
  if (!zoneList) {
    const all = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
    zoneList = ["UTC", ...all.filter((z) => z !== "UTC")];
  }
  return zoneList;
}

const MISFIRE: { value: string; label: string }[] = [
  { value: "relaxed", label: "relaxed — after downtime, run once for everything missed" },
  { value: "strict", label: "strict — run every missed occurrence" },
  { value: "ignorable", label: "ignorable — skip occurrences missed by more than a minute" },
];

const OVERLAP: { value: string; label: string }[] = [
  { value: "allow", label: "allow — start another run" },
  { value: "skip", label: "skip — start none until the last run has finished (or its retries ended)" },
];

function Choice(props: { name: string; options: { value: string; label: string }[]; value: string }) {
  return (
    <select name={props.name}>
      {props.options.map((o) => (
        <option value={o.value} selected={o.value === props.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

export function RecurringEditPage(props: { r: RecurringJob; draft: CronDraft; error: string | null; v: View }) {
  const { r, draft, v } = props;
  const action = urls.recurringEdit(r.id);
  return (
    <>
      <PageHeader
        title={`Edit ${r.id}`}
        sub={
          <>
            {r.name} · runs <code>{r.type}</code> · now <code>{r.cron}</code> ({describe(r)})
          </>
        }
      />
      <div class="two">
        <form method="post" action={action} class="card form" id="edit-form">
          <CsrfField csrf={v.csrf} />
          {props.error ? (
            <div class="notice notice-error" role="alert" data-testid="save-error">
              {props.error}
            </div>
          ) : null}
          <label>
            Cron expression
            <input
              type="text"
              name="cron"
              value={draft.cron}
              required
              autocomplete="off"
              spellcheck={false}
              class="mono"
              hx-get={urls.cronPreview()}
              hx-trigger="input delay:250ms"
              hx-include={PREVIEW_FIELDS}
              hx-target="#cron-preview"
              hx-swap="outerHTML"
              data-testid="cron-input"
            />
            <span class="hint">5 fields (minute hour day month weekday) or 6 with seconds first; @daily, @hourly also work.</span>
          </label>
          <label>
            Time zone
            <input
              type="text"
              name="timeZone"
              value={draft.timeZone}
              list="zones"
              required
              autocomplete="off"
              spellcheck={false}
              hx-get={urls.cronPreview()}
              hx-trigger="input delay:250ms, change"
              hx-include={PREVIEW_FIELDS}
              hx-target="#cron-preview"
              hx-swap="outerHTML"
            />
            <datalist id="zones">
              {zones().map((z) => (
                <option value={z} />
              ))}
            </datalist>
            <span class="hint">An IANA zone such as Europe/Berlin. Daylight-saving changes follow the zone's rules.</span>
          </label>
          <label>
            After downtime
            <Choice name="misfire" options={MISFIRE} value={draft.misfire} />
          </label>
          <label>
            While the last run is unfinished
            <Choice name="overlap" options={OVERLAP} value={draft.overlap} />
          </label>
          <div class="form-actions">
            <button type="submit" class="btn btn-primary" data-testid="save">
              Save schedule
            </button>
            <button type="submit" name="intent" value="preview" class="btn btn-plain">
              Preview
            </button>
            <a class="btn btn-plain" href={urls.recurring()}>
              Cancel
            </a>
          </div>
        </form>
        <section class="card">
          <h2>Next runs</h2>
          <CronPreview draft={draft} now={v.now} />
        </section>
      </div>
    </>
  );
}

export function RecurringNotFound(props: { id: string }) {
  return <PageHeader title={`Recurring job "${props.id}" was not found`} sub={<a href={urls.recurring()}>All recurring jobs</a>} />;
}
