// Health, three ways:
//   GET /health        every dependency and actor with status, check duration and error, plus
//                      queue depth and the scheduler's leadership. Overall:
//                        Unhealthy (503) — the service cannot do its work: the ledger is down,
//                                          or no job worker is running;
//                        Degraded  (200) — it works, worse: a backing service is down or slow
//                                          (jobs needing it fail and retry), an actor restarts;
//                        Healthy   (200) — everything answered within SLOW_MS.
//   GET /health/live   liveness: the process answers (restart it if this fails).
//   GET /health/ready  readiness: ledger reachable and job workers running (send traffic).
// Every check has a deadline: a hung dependency reports Unhealthy instead of hanging the probe.
import type { AppDeps } from "../app.ts";
import type { Clock } from "../actors/runtime/clock.ts";
import { markErrorLogged } from "./error-handler.ts";
import { iso } from "./job-schemas.ts";
import { commonErrors, createRoute, createRouter, z } from "./openapi.ts";

type Status = "Healthy" | "Degraded" | "Unhealthy";

export const CHECK_TIMEOUT_MS = 2_000;
export const SLOW_MS = 1_000;

export interface CheckResult {
  name: string;
  status: Status;
  durationMs: number;
  error: string | null;
  description: string;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** Runs a ping against a deadline on the injected clock. */
export async function check(name: string, description: string, fn: () => Promise<void>, clock: Clock): Promise<CheckResult> {
  const started = clock.now();
  let timer: ReturnType<Clock["setTimeout"]> | null = null;
  const deadline = new Promise<never>((_, reject) => {
    timer = clock.setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([fn(), deadline]);
    const durationMs = round(clock.now() - started);
    const slow = durationMs > SLOW_MS;
    return { name, status: slow ? "Degraded" : "Healthy", durationMs, error: slow ? `answered in ${Math.round(durationMs)} ms (slow above ${SLOW_MS} ms)` : null, description };
  } catch (err) {
    return { name, status: "Unhealthy", durationMs: round(clock.now() - started), error: err instanceof Error ? err.message : String(err), description };
  } finally {
    if (timer) clock.clearTimeout(timer);
  }
}

const StatusSchema = z.enum(["Healthy", "Degraded", "Unhealthy"]).openapi("HealthStatus");
const CheckSchema = z.object({ name: z.string(), status: StatusSchema, durationMs: z.number(), error: z.string().nullable(), description: z.string() });
const ActorSchema = z.object({
  name: z.string(),
  kind: z.string(),
  status: StatusSchema,
  state: z.string(),
  restarts: z.number().int(),
  upForMs: z.number().nullable(),
  error: z.string().nullable(),
  service: z
    .object({
      title: z.string(),
      runs: z.number().int(),
      failures: z.number().int(),
      lastRunAt: z.string().nullable(),
      lastDurationMs: z.number().nullable(),
      lastError: z.string().nullable(),
      nextRunAt: z.string().nullable(),
    })
    .optional()
    .openapi({ description: "Background services: their passes (a failed last pass makes the actor Degraded)" }),
});

const HealthSchema = z
  .object({
    status: StatusSchema,
    checkedAt: z.string(),
    totalDurationMs: z.number(),
    serverId: z.string(),
    leader: z.boolean(),
    uptimeSeconds: z.number(),
    queue: z.object({ enqueued: z.number().int(), scheduled: z.number().int(), processing: z.number().int(), failed: z.number().int() }).nullable(),
    dependencies: z.array(CheckSchema),
    actors: z.array(ActorSchema),
  })
  .openapi("Health", {
    example: {
      status: "Degraded",
      checkedAt: "2026-03-29T10:00:00.000Z",
      totalDurationMs: 3.1,
      serverId: "host:4211:m1x2",
      leader: true,
      uptimeSeconds: 86400,
      queue: { enqueued: 0, scheduled: 1, processing: 2, failed: 0 },
      dependencies: [
        { name: "ledger", status: "Healthy", durationMs: 0.2, error: null, description: "sqlite" },
        { name: "cache", status: "Unhealthy", durationMs: 2000, error: "no answer within 2000 ms", description: "redis" },
      ],
      actors: [{ name: "job-worker-1", kind: "job-worker", status: "Healthy", state: "running", restarts: 0, upForMs: 86399000, error: null }],
    },
  });

const ProbeSchema = z
  .object({ status: StatusSchema, checks: z.array(CheckSchema) })
  .openapi("Probe", { example: { status: "Healthy", checks: [{ name: "ledger", status: "Healthy", durationMs: 0.2, error: null, description: "sqlite" }] } });

function actorStatus(state: string): Status {
  return state === "running" ? "Healthy" : state === "starting" || state === "restarting" ? "Degraded" : "Unhealthy";
}

/** Can jobs run? At least one job worker is up (none configured counts as up: nothing to run). */
function workersUp(deps: AppDeps): CheckResult {
  const workers = deps.runtime.actors().filter((a) => a.kind === "job-worker");
  const running = workers.filter((a) => a.state === "running").length;
  const ok = workers.length === 0 || running > 0;
  return {
    name: "job-workers",
    status: !ok ? "Unhealthy" : running < workers.length ? "Degraded" : "Healthy",
    durationMs: 0,
    error: ok ? (running < workers.length ? `${workers.length - running} of ${workers.length} not running` : null) : `none of ${workers.length} job workers is running`,
    description: `${running}/${workers.length} running`,
  };
}

export function healthRoutes(deps: AppDeps) {
  const app = createRouter();
  const { clock, runtime: rt } = deps;

  app.openapi(
    createRoute({
      method: "get",
      path: "/health",
      tags: ["Operations"],
      summary: "Every dependency and actor: Healthy, Degraded or Unhealthy (503 only when the service cannot work)",
      responses: {
        200: { description: "Healthy or Degraded", content: { "application/json": { schema: HealthSchema } } },
        503: { description: "Unhealthy: the ledger is unreachable or no job worker runs", content: { "application/json": { schema: HealthSchema } } },
        500: commonErrors[500],
      },
    }),
    async (c) => {
      const started = clock.now();
      const dependencies = await Promise.all([
        check("ledger", rt.ledger.kind, () => rt.ledger.ping(), clock),
        check("catalog", deps.catalog.kind, () => deps.catalog.ping(), clock),
        check("cache", deps.cache.kind, () => deps.cache.ping(), clock),
        check("search", deps.search.kind, () => deps.search.ping(), clock),
        deps.bus
          ? check("bus", deps.bus.kind, () => deps.bus!.ping(), clock)
          : Promise.resolve<CheckResult>({ name: "bus", status: "Healthy", durationMs: 0, error: null, description: "not used by this process" }),
      ]);
      const ledgerDown = dependencies[0].status === "Unhealthy";
      const counts = ledgerDown ? null : await rt.countByState().catch(() => null);
      const now = clock.now();
      const services = new Map((deps.services ?? []).map((s) => [s.name, s.status()]));
      const actors = rt.actors().map((a) => {
        const svc = services.get(a.id) ?? null;
        const failedPass = !!svc?.lastError && a.state === "running";
        return {
          name: a.id,
          kind: a.kind,
          status: failedPass ? ("Degraded" as const) : actorStatus(a.state),
          state: a.state,
          restarts: a.restarts,
          upForMs: a.state === "running" && a.startedAt != null ? Math.max(0, Math.round(now - a.startedAt)) : null,
          error: a.lastError ?? (failedPass ? `last pass failed: ${svc!.lastError}` : null),
          ...(svc && {
            service: {
              title: svc.title,
              runs: svc.runs,
              failures: svc.failures,
              lastRunAt: iso(svc.lastRunAt),
              lastDurationMs: svc.lastDurationMs,
              lastError: svc.lastError,
              nextRunAt: iso(svc.nextRunAt),
            },
          }),
        };
      });
      const cannotWork = ledgerDown || workersUp(deps).status === "Unhealthy";
      const anyBad = [...dependencies, ...actors].some((x) => x.status !== "Healthy");
      const status: Status = cannotWork ? "Unhealthy" : anyBad ? "Degraded" : "Healthy";
      if (cannotWork) {
        markErrorLogged(c);
        const why = [...dependencies, ...actors].filter((x) => x.status === "Unhealthy").map((x) => `${x.name}: ${x.error ?? "down"}`);
        deps.logger.warn(`GET /health answered 503 Unhealthy: ${why.join("; ") || "no job worker is running"}`);
      }
      return c.json(
        {
          status,
          checkedAt: new Date(now).toISOString(),
          totalDurationMs: round(now - started),
          serverId: rt.serverId,
          leader: rt.isLeader,
          uptimeSeconds: Math.max(0, Math.round((now - rt.startedAt) / 1000)),
          queue: counts && { enqueued: counts.Enqueued, scheduled: counts.Scheduled, processing: counts.Processing, failed: counts.Failed },
          dependencies,
          actors,
        },
        cannotWork ? 503 : 200,
        { "Cache-Control": "no-store" },
      );
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/health/live",
      tags: ["Operations"],
      summary: "Liveness: the process answers requests",
      responses: { 200: { description: "Alive", content: { "application/json": { schema: ProbeSchema } } } },
    }),
    (c) => c.json({ status: "Healthy" as const, checks: [] }, 200, { "Cache-Control": "no-store" }),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/health/ready",
      tags: ["Operations"],
      summary: "Readiness: the ledger answers and job workers run",
      responses: {
        200: { description: "Ready", content: { "application/json": { schema: ProbeSchema } } },
        503: { description: "Not ready", content: { "application/json": { schema: ProbeSchema } } },
      },
    }),
    async (c) => {
      const checks = [await check("ledger", rt.ledger.kind, () => rt.ledger.ping(), clock), workersUp(deps)];
      const ready = checks.every((x) => x.status !== "Unhealthy");
      const status: Status = !ready ? "Unhealthy" : checks.some((x) => x.status !== "Healthy") ? "Degraded" : "Healthy";
      if (!ready) markErrorLogged(c);
      if (!ready) deps.logger.warn(`GET /health/ready answered 503: ${checks.filter((x) => x.status === "Unhealthy").map((x) => `${x.name}: ${x.error}`).join("; ")}`);
      return c.json({ status, checks }, ready ? 200 : 503, { "Cache-Control": "no-store" });
    },
  );

  return app;
}
