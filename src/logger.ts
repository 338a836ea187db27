// Plain text log lines, one per event, greppable the way operators grep the .NET service:
//   2026-11-29T02:00:00.012Z INFO  [DailyAnalyticsJob] Daily analytics generated successfully. …
// The wording of the lines listed in DESIGN.md is a contract; the prefix is ours.
import process from "node:process";

export type LogLevel = "debug" | "info" | "warn" | "error";
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogRecord {
  at: number;
  level: LogLevel;
  category: string;
  message: string;
  error?: unknown;
}

export type LogSink = (record: LogRecord) => void;

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string, error?: unknown): void;
  error(message: string, error?: unknown): void;
  child(category: string): Logger;
}

export function formatRecord(r: LogRecord): string {
  const base = `${new Date(r.at).toISOString()} ${r.level.toUpperCase().padEnd(5)} [${r.category}] ${r.message}`;
  if (r.error === undefined) return base;
  const e = r.error as { name?: string; message?: string; stack?: string };
  return `${base}\n${e?.stack ?? `${e?.name ?? "Error"}: ${e?.message ?? String(r.error)}`}`;
}

export const stdoutSink: LogSink = (r) => {
  const line = formatRecord(r) + "\n";
  if (r.level === "error" || r.level === "warn") process.stderr.write(line);
  else process.stdout.write(line);
};

export function createLogger(options: {
  category: string;
  level?: LogLevel;
  sink?: LogSink;
  now?: () => number;
}): Logger {
  const min = RANK[options.level ?? "info"];
  const sink = options.sink ?? stdoutSink;
  const now = options.now ?? (() => Date.now());
  const emit = (level: LogLevel, message: string, error?: unknown) => {
    if (RANK[level] >= min) sink({ at: now(), level, category: options.category, message, error });
  };
  return {
    debug: (m) => emit("debug", m),
    info: (m) => emit("info", m),
    warn: (m, e) => emit("warn", m, e),
    error: (m, e) => emit("error", m, e),
    child: (category) => createLogger({ ...options, category }),
  };
}

/** Collects records in memory: tests read `lines` to check the wording users grep for. */
export function memorySink(): LogSink & { records: LogRecord[]; lines: () => string[] } {
  const records: LogRecord[] = [];
  const sink = ((r: LogRecord) => void records.push(r)) as LogSink & { records: LogRecord[]; lines: () => string[] };
  sink.records = records;
  sink.lines = () => records.map((r) => r.message);
  return sink;
}
