// GET /metrics: Prometheus text exposition (version 0.0.4).
import type { AppDeps } from "../app.ts";
import { JOB_STATES } from "../ledger/ledger.ts";
import { collectorFor, type Histogram, type MetricsCollector } from "./metrics-collector.ts";
import { commonErrors, createRoute, createRouter, z } from "./openapi.ts";

const P = "catalog_jobs_";

/** Escapes a label value: backslash, double quote and newline. */
export const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

const labels = (l: Record<string, string>) => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(",")}}` : "";
};

const num = (n: number) => (Number.isFinite(n) ? String(n) : n > 0 ? "+Inf" : n < 0 ? "-Inf" : "NaN");

class Exposition {
  readonly lines: string[] = [];
  family(name: string, type: "counter" | "gauge" | "histogram", help: string) {
    this.lines.push(`# HELP ${P}${name} ${help}`, `# TYPE ${P}${name} ${type}`);
  }
  sample(name: string, l: Record<string, string>, v: number) {
    this.lines.push(`${P}${name}${labels(l)} ${num(v)}`);
  }
  histogram(name: string, l: Record<string, string>, h: Histogram) {
    h.buckets.forEach((b, i) => this.sample(`${name}_bucket`, { ...l, le: String(b) }, h.counts[i]));
    this.sample(`${name}_bucket`, { ...l, le: "+Inf" }, h.count);
    this.sample(`${name}_sum`, l, h.sum);
    this.sample(`${name}_count`, l, h.count);
  }
}

export async function renderMetrics(deps: AppDeps, m: MetricsCollector): Promise<string> {
  const rt = deps.runtime;
  const [byState, recurring] = await Promise.all([rt.countByState(), rt.listRecurring()]);
  const x = new Exposition();

  x.family("jobs", "gauge", "Jobs in the ledger by state (live counts).");
  for (const s of JOB_STATES) x.sample("jobs", { state: s }, byState[s] ?? 0);

  x.family("queue_depth", "gauge", "Jobs waiting for a worker (Enqueued).");
  x.sample("queue_depth", {}, byState.Enqueued ?? 0);

  x.family("jobs_created_total", "counter", "Jobs created by this process, by type.");
  for (const [type, n] of m.created) x.sample("jobs_created_total", { type }, n);

  x.family("jobs_processed_total", "counter", "Job executions finished by this process, by type and outcome.");
  for (const [k, n] of m.processed) {
    const [type, outcome] = JSON.parse(k) as [string, string];
    x.sample("jobs_processed_total", { type, outcome }, n);
  }

  x.family("job_retries_total", "counter", "Failed executions scheduled for another attempt, by type.");
  for (const [type, n] of m.retries) x.sample("job_retries_total", { type }, n);

  x.family("job_duration_seconds", "histogram", "Duration of succeeded executions, by type.");
  for (const [type, h] of m.durations) x.histogram("job_duration_seconds", { type }, h);

  x.family("job_pickup_latency_seconds", "histogram", "From enqueued to started.");
  x.histogram("job_pickup_latency_seconds", {}, m.pickup);

  x.family("cron_lateness_seconds", "histogram", "How late a recurring job fired after its cron instant, by recurring id.");
  for (const [id, h] of m.lateness) x.histogram("cron_lateness_seconds", { recurring_id: id }, h);

  x.family("cron_last_lateness_seconds", "gauge", "Lateness of each recurring job's last firing.");
  for (const [id, s] of m.lastLateness) x.sample("cron_last_lateness_seconds", { recurring_id: id }, s);

  x.family("recurring_job_enabled", "gauge", "1 when the recurring job is enabled.");
  for (const r of recurring) x.sample("recurring_job_enabled", { recurring_id: r.id }, r.enabled ? 1 : 0);

  x.family("recurring_job_next_run_timestamp_seconds", "gauge", "Next scheduled run (Unix seconds).");
  for (const r of recurring) if (r.nextExecution != null) x.sample("recurring_job_next_run_timestamp_seconds", { recurring_id: r.id }, r.nextExecution / 1000);

  const actors = rt.actors();
  x.family("actor_restarts_total", "counter", "Restarts of each supervised actor since the process started.");
  for (const a of actors) x.sample("actor_restarts_total", { actor: a.id, kind: a.kind }, a.restarts);
  x.family("actor_up", "gauge", "1 when the actor is running.");
  for (const a of actors) x.sample("actor_up", { actor: a.id, kind: a.kind }, a.state === "running" ? 1 : 0);

  x.family("jobs_recovered_total", "counter", "Jobs taken back from servers that stopped renewing their lease.");
  x.sample("jobs_recovered_total", {}, m.recovered);

  x.family("scheduler_leader", "gauge", "1 when this process holds the scheduler lease.");
  x.sample("scheduler_leader", {}, rt.isLeader ? 1 : 0);

  x.family("uptime_seconds", "gauge", "Seconds since the job server started.");
  x.sample("uptime_seconds", {}, Math.max(0, (deps.clock.now() - rt.startedAt) / 1000));

  return x.lines.join("\n") + "\n";
}

export function metricsRoutes(deps: AppDeps) {
  const app = createRouter();
  const collector = collectorFor(deps.runtime);
  app.openapi(
    createRoute({
      method: "get",
      path: "/metrics",
      tags: ["Operations"],
      summary: "Prometheus metrics: jobs by state, executions by type and outcome, durations, retries, queue depth, cron lateness, actor restarts",
      responses: {
        200: {
          description: "Prometheus text format 0.0.4",
          content: {
            "text/plain": {
              schema: z.string(),
              example:
                '# HELP catalog_jobs_jobs Jobs in the ledger by state (live counts).\n# TYPE catalog_jobs_jobs gauge\ncatalog_jobs_jobs{state="Enqueued"} 0\n',
            },
          },
        },
        500: commonErrors[500],
      },
    }),
    async (c) => {
      const body = await renderMetrics(deps, collector);
      return c.text(body, 200, { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store" });
    },
  );
  return app;
}
