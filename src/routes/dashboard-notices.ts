// What an action did, told on the page it redirects to. The redirect carries codes and numbers
// only (never text), so a crafted link can't make the dashboard say something it did not do.
export type Notice = { kind: "ok" | "error"; text: string };

export type ActionCode = "requeue" | "delete" | "trigger" | "enable" | "disable" | "save";

export interface Outcome {
  done: ActionCode;
  /** Jobs the action applied to (batches), or 1. */
  n?: number;
  /** Jobs it could not apply to (running, already in that state, gone). */
  skipped?: number;
  /** The job an action created or touched. */
  job?: string;
  /** The recurring job it concerned. */
  rec?: string;
}

const SAFE_ID = /^[\w.:-]{1,100}$/;

export function outcomeQuery(o: Outcome): string {
  const q = new URLSearchParams({ done: o.done });
  if (o.n !== undefined) q.set("n", String(o.n));
  if (o.skipped) q.set("skipped", String(o.skipped));
  if (o.job) q.set("job", o.job);
  if (o.rec) q.set("rec", o.rec);
  return q.toString();
}

const VERB: Record<ActionCode, string> = {
  requeue: "requeued",
  delete: "deleted",
  trigger: "triggered",
  enable: "enabled",
  disable: "disabled",
  save: "saved",
};

function jobs(n: number): string {
  return `${n} job${n === 1 ? "" : "s"}`;
}

export function noticeFrom(q: URLSearchParams): Notice | null {
  const done = q.get("done") as ActionCode | null;
  if (!done || !(done in VERB)) return null;
  const n = Math.max(0, Math.min(1_000_000, Number(q.get("n") ?? 1) || 0));
  const skipped = Math.max(0, Math.min(1_000_000, Number(q.get("skipped") ?? 0) || 0));
  const job = /^\d{1,15}$/.test(q.get("job") ?? "") ? q.get("job")! : null;
  const rec = SAFE_ID.test(q.get("rec") ?? "") ? q.get("rec")! : null;
  switch (done) {
    case "requeue":
    case "delete": {
      const why = done === "requeue" ? "a running job can't be requeued (delete it first)" : "it was already deleted";
      if (n === 0 && job) return { kind: "error", text: `Job #${job} was not ${VERB[done]}: ${why}, or it no longer exists.` };
      const skippedText = skipped
        ? ` Skipped ${jobs(skipped)} that ${done === "requeue" ? "were running" : "were already deleted"} or no longer exist.`
        : "";
      if (n === 0) return { kind: "error", text: `Nothing was ${VERB[done]}.${skippedText}` };
      return { kind: "ok", text: `${job && n === 1 ? `Job #${job}` : jobs(n)} ${VERB[done]}.${skippedText}` };
    }
    case "trigger":
      return { kind: "ok", text: `Triggered ${rec ?? "the recurring job"}${job ? `: job #${job} is enqueued` : ""}.` };
    case "enable":
      return { kind: "ok", text: `Enabled ${rec ?? "the recurring job"}; it runs on its schedule again.` };
    case "disable":
      return { kind: "ok", text: `Disabled ${rec ?? "the recurring job"}; it won't run until enabled.` };
    case "save":
      return { kind: "ok", text: `Saved the schedule of ${rec ?? "the recurring job"}.` };
  }
}
