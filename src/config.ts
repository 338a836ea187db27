// The one module that reads the environment. Everything else receives a Config.
// Absent variables mean the embedded default (SQLite, in-process cache/search/bus).
import { ConfigError } from "./errors.ts";

export interface ServiceIntervals {
  /** Elasticsearch Sync: keeps the search index in line with the catalog. */
  elasticsearchSyncMs: number;
  /** Cache Warming: popular products, categories, counts. */
  cacheWarmingMs: number;
  /** Inventory Monitoring: stock alerts. */
  inventoryMonitoringMs: number;
}

export interface Config {
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  redisUrl: string | null;
  elasticsearchUrl: string | null;
  rabbitmqUrl: string | null;
  workerCount: number;
  cachePrefix: string;
  /** How long Succeeded and Deleted jobs are kept (Hangfire: 1 day). Failed jobs stay. */
  jobRetentionMs: number;
  /** A running job's lease; renewed every third of it while the job lives. */
  leaseTtlMs: number;
  /** SIGTERM: how long running jobs may take to finish before they are requeued. */
  shutdownGraceMs: number;
  /** Default per-job timeout when a job type does not set one. */
  defaultJobTimeoutMs: number;
  serviceIntervals: ServiceIntervals;
  /** Cron overrides by recurring id, e.g. CRON_DAILY_ANALYTICS="0 3 * * *". */
  cronOverrides: Record<string, string>;
  /** Time-zone overrides by recurring id, e.g. TZ_DAILY_ANALYTICS="Europe/Berlin". */
  timeZoneOverrides: Record<string, string>;
  /** `user:scrypt$…:Role` entries; empty means local-requests-only for the dashboard and commands. */
  users: string[];
  /** Bearer tokens `token-hash:user:Role`; hashed like passwords. */
  apiTokens: string[];
  logLevel: "debug" | "info" | "warn" | "error";
  /** Seed the sample catalog when the catalog is empty on start. */
  seedOnStart: boolean;
  /**
   * Key for the dashboard's CSRF tokens (CSRF_SECRET). Null: a random key per process, so tokens
   * stop working on restart (pages are reloaded) and differ between processes behind one proxy.
   */
  csrfSecret: string | null;
  /** PROTECT_READS=true: read-only endpoints, /health and /metrics need the same access as reads (any known user, or local). */
  protectReads: boolean;
}

type Env = Record<string, string | undefined>;

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30m", "6h", "1500ms", "90" (seconds) → milliseconds. */
export function parseDuration(name: string, raw: string): number {
  const m = DURATION.exec(raw.trim());
  if (!m) throw new ConfigError(`${name} must be a duration such as 30m, 6h, 90s or 1500ms; got "${raw}"`);
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? "s"];
  if (!Number.isFinite(ms) || ms <= 0) throw new ConfigError(`${name} must be a positive duration; got "${raw}"`);
  return Math.round(ms);
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}; got "${raw}"`);
  }
  return n;
}

function duration(env: Env, name: string, fallbackMs: number): number {
  const raw = env[name];
  return raw === undefined || raw === "" ? fallbackMs : parseDuration(name, raw);
}

function url(env: Env, name: string, schemes: string[]): string | null {
  const raw = env[name];
  if (raw === undefined || raw === "") return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL (${schemes.join(" or ")}://…); got "${raw}"`);
  }
  if (!schemes.includes(parsed.protocol.replace(/:$/, ""))) {
    throw new ConfigError(`${name} must start with ${schemes.map((s) => s + "://").join(" or ")}; got "${raw}"`);
  }
  return raw;
}

/** Collects PREFIX_SOME_ID=value into { "some-id": value }. */
function byRecurringId(env: Env, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (k.startsWith(prefix) && v) out[k.slice(prefix.length).toLowerCase().replaceAll("_", "-")] = v;
  }
  return out;
}

function list(env: Env, name: string): string[] {
  return (env[name] ?? "").split(/[\s,]+/).filter(Boolean);
}

function secret(env: Env, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === "") return null;
  if (raw.length < 32) throw new ConfigError(`${name} must be at least 32 characters (e.g. \`openssl rand -hex 32\`); got ${raw.length}`);
  return raw;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["true", "1", "yes"].includes(raw)) return true;
  if (["false", "0", "no"].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false; got "${env[name]}"`);
}

export function loadConfig(env: Env): Config {
  const level = env.LOG_LEVEL ?? "info";
  if (!["debug", "info", "warn", "error"].includes(level)) {
    throw new ConfigError(`LOG_LEVEL must be debug, info, warn or error; got "${level}"`);
  }
  return {
    port: int(env, "PORT", 8080, 0, 65535),
    dataDir: env.DATA_DIR || "./data",
    databaseUrl: url(env, "DATABASE_URL", ["postgres", "postgresql"]),
    redisUrl: url(env, "REDIS_URL", ["redis", "rediss"]),
    elasticsearchUrl: url(env, "ELASTICSEARCH_URL", ["http", "https"]),
    rabbitmqUrl: url(env, "RABBITMQ_URL", ["amqp", "amqps"]),
    workerCount: int(env, "WORKER_COUNT", 5, 1, 64),
    cachePrefix: env.CACHE_PREFIX ?? "ProductCatalog_",
    jobRetentionMs: duration(env, "JOB_RETENTION", 86_400_000),
    leaseTtlMs: duration(env, "LEASE_TTL", 5_000),
    shutdownGraceMs: duration(env, "SHUTDOWN_GRACE", 25_000),
    defaultJobTimeoutMs: duration(env, "JOB_TIMEOUT", 30 * 60_000),
    serviceIntervals: {
      elasticsearchSyncMs: duration(env, "ELASTICSEARCH_SYNC_INTERVAL", 30 * 60_000),
      cacheWarmingMs: duration(env, "CACHE_WARMING_INTERVAL", 6 * 3_600_000),
      inventoryMonitoringMs: duration(env, "INVENTORY_MONITORING_INTERVAL", 3_600_000),
    },
    cronOverrides: byRecurringId(env, "CRON_"),
    timeZoneOverrides: byRecurringId(env, "TZ_"),
    users: list(env, "DASHBOARD_USERS"),
    apiTokens: list(env, "API_TOKENS"),
    logLevel: level as Config["logLevel"],
    seedOnStart: env.SEED_ON_START !== "false",
    csrfSecret: secret(env, "CSRF_SECRET"),
    protectReads: bool(env, "PROTECT_READS", false),
  };
}
