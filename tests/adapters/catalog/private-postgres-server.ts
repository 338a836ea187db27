// A PostgreSQL server of the test's own (initdb in a temp dir, a free port), for outage tests:
// stopping the shared server on 5432 would break every other test running at the same time.
// Run as root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { freePort } from "../cache/private-redis-server.ts";

export interface PrivatePostgresServer {
  readonly url: string;
  /** Starts the server; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Fast shutdown (SIGINT); resolves once the server has exited. */
  stop(): Promise<void>;
  /** Stops it if running and removes its directory. */
  dispose(): Promise<void>;
}

function binDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const version = readdirSync(root).sort().pop();
  return version ? join(root, version, "bin") : null;
}

/** Null when no PostgreSQL binaries are installed (the caller skips its tests). */
export async function privatePostgresServer(): Promise<PrivatePostgresServer | null> {
  const bin = binDir();
  if (!bin) return null;
  const asUser =
    process.getuid?.() === 0
      ? {
          uid: Number(execFileSync("id", ["-u", "postgres"]).toString()),
          gid: Number(execFileSync("id", ["-g", "postgres"]).toString()),
        }
      : {};
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "catalog-jobs-pg-"));
  chmodSync(dir, 0o777); // the server's user creates its data directory inside
  const data = join(dir, "data");
  execFileSync(join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"], {
    ...asUser,
    stdio: "ignore",
  });
  let child: ChildProcess | null = null;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      if (child) return reject(new Error(`private postgres on ${port} is already running`));
      const args = ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"];
      const proc = spawn(join(bin, "postgres"), args, { ...asUser, stdio: ["ignore", "pipe", "pipe"] });
      child = proc;
      let log = "";
      const onData = (d: Buffer) => {
        log += d;
        if (log.includes("ready to accept connections")) {
          proc.stderr!.off("data", onData);
          proc.stderr!.resume(); // keep draining so the server never blocks on a full pipe
          resolve();
        }
      };
      proc.stderr!.on("data", onData);
      proc.stdout!.resume();
      proc.once("error", reject);
      proc.once("exit", (code) => {
        if (child === proc) child = null;
        reject(new Error(`postgres on ${port} exited (${code}) before it was ready:\n${log}`));
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const proc = child;
      if (!proc) return resolve();
      proc.once("exit", () => resolve());
      proc.kill("SIGINT");
      child = null;
    });

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
