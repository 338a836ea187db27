// A redis-server of the test's own, on a free port in a temp dir, for outage tests: stopping the
// shared server on 6379 would break every other test running at the same time.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PrivateRedisServer {
  readonly port: number;
  readonly url: string;
  /** Starts the server; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops the server (SIGTERM); resolves once the process has exited. */
  stop(): Promise<void>;
  /** Stops it if running and removes its directory. */
  dispose(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function privateRedisServer(): Promise<PrivateRedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "catalog-jobs-redis-"));
  let child: ChildProcess | null = null;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      if (child) return reject(new Error(`private redis on ${port} is already running`));
      const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir];
      const proc = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
      child = proc;
      let log = "";
      const onData = (d: Buffer) => {
        log += d;
        if (log.includes("Ready to accept connections")) {
          proc.stdout!.off("data", onData);
          proc.stdout!.resume(); // keep draining so the server never blocks on a full pipe
          resolve();
        }
      };
      proc.stdout!.on("data", onData);
      proc.stderr!.on("data", (d) => (log += d));
      proc.once("error", reject);
      proc.once("exit", (code) => {
        if (child === proc) child = null;
        reject(new Error(`redis-server on ${port} exited (${code}) before it was ready:\n${log}`));
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const proc = child;
      if (!proc) return resolve();
      proc.once("exit", () => resolve());
      proc.kill("SIGTERM");
      child = null;
    });

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
