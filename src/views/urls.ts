// Every dashboard URL in one place, Hangfire's paths where Hangfire had one (users keep bookmarks
// such as /hangfire/jobs/failed and /hangfire/jobs/details/42).
import { JOB_STATES, type JobState } from "../ledger/ledger.ts";

export const BASE = "/hangfire";

export type ListState = JobState | "all";

export function stateSlug(state: ListState): string {
  return state.toLowerCase();
}

export function stateFromSlug(slug: string): ListState | null {
  if (slug === "all") return "all";
  return JOB_STATES.find((s) => s.toLowerCase() === slug.toLowerCase()) ?? null;
}

export interface ListParams {
  type?: string;
  q?: string;
  before?: string;
  limit?: number;
}

function query(params: Record<string, string | number | undefined>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") s.set(k, String(v));
  const text = s.toString();
  return text ? `?${text}` : "";
}

export const urls = {
  overview: () => BASE,
  jobs: (state: ListState, p: ListParams = {}) =>
    `${BASE}/jobs/${stateSlug(state)}` + query({ type: p.type, q: p.q, before: p.before, limit: p.limit }),
  batch: (state: ListState | "retries") => `${BASE}/jobs/${state === "retries" ? "retries" : stateSlug(state)}/batch`,
  job: (id: string) => `${BASE}/jobs/details/${encodeURIComponent(id)}`,
  requeue: (id: string) => `${BASE}/jobs/actions/requeue/${encodeURIComponent(id)}`,
  delete: (id: string) => `${BASE}/jobs/actions/delete/${encodeURIComponent(id)}`,
  retries: (p: { before?: string } = {}) => `${BASE}/retries` + query({ before: p.before }),
  recurring: () => `${BASE}/recurring`,
  recurringAction: (id: string, action: "trigger" | "enable" | "disable") => `${BASE}/recurring/${action}/${encodeURIComponent(id)}`,
  recurringEdit: (id: string, preview?: { cron: string; timeZone: string; misfire: string; overlap?: string }) =>
    `${BASE}/recurring/edit/${encodeURIComponent(id)}` + (preview ? query(preview) : ""),
  cronPreview: () => `${BASE}/recurring/preview`,
  servers: () => `${BASE}/servers`,
  events: () => `${BASE}/events`,
  asset: (name: string, version: string) => `${BASE}/assets/${name}?v=${version}`,
};
