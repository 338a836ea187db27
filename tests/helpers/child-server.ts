// Spawns tests/fixtures/server-process.ts and lets a test await the JSON events it prints.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import process from "node:process";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

export interface ChildEvent {
  ev: string;
  pid: number;
  [k: string]: unknown;
}

export class ChildServer {
  readonly events: ChildEvent[] = [];
  #waiters: { match: (e: ChildEvent) => boolean; resolve: (e: ChildEvent) => void }[] = [];
  #exited: Promise<number | null>;
  stderr = "";

  private constructor(readonly proc: ChildProcess) {
    let buf = "";
    proc.stdout!.on("data", (d: Buffer) => {
      buf += d.toString();
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.startsWith("{")) continue;
        const e = JSON.parse(line) as ChildEvent;
        this.events.push(e);
        this.#waiters = this.#waiters.filter((w) => (w.match(e) ? (w.resolve(e), false) : true));
      }
    });
    proc.stderr!.on("data", (d: Buffer) => (this.stderr += d.toString()));
    this.#exited = new Promise((r) => proc.once("exit", (code) => r(code)));
  }

  static start(dataDir: string, args: string[] = []): ChildServer {
    const script = join(import.meta.dirname, "../fixtures/server-process.ts");
    // The same runtime as the test: Node with tsx, or Deno running the .ts directly.
    const runner = isDeno ? ["run", "-A", "--no-lock", script] : ["--import", "tsx", script];
    const proc = spawn(process.execPath, [...runner, dataDir, ...args], {
      cwd: join(import.meta.dirname, "../.."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new ChildServer(proc);
  }

  /** The first event (already seen or coming) that matches. */
  waitFor(match: (e: ChildEvent) => boolean, timeoutMs = 20_000, label = "event"): Promise<ChildEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${label} within ${timeoutMs} ms; stderr: ${this.stderr.slice(-2000)}`)), timeoutMs);
      this.#waiters.push({ match, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): Promise<number | null> {
    this.proc.kill(signal);
    return this.#exited;
  }

  get exited(): Promise<number | null> {
    return this.#exited;
  }
}
