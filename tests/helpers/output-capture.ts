// Captures what worker threads log: their stdout/stderr reach the main thread's process streams,
// so wrapping write() there sees every line, and a test can await a line instead of sleeping.
import process from "node:process";

export interface OutputCapture {
  lines(): string[];
  /** Resolves with the first line (seen or coming) containing `text`. */
  waitFor(text: string, timeoutMs?: number): Promise<string>;
  restore(): void;
}

export function captureOutput(echo = false): OutputCapture {
  let buffer = "";
  const lines: string[] = [];
  const waiters: { text: string; resolve: (l: string) => void }[] = [];
  const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };
  const tap = (original: typeof originals.out) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      buffer += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
      let i: number;
      while ((i = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        lines.push(line);
        for (const w of waiters.filter((w) => line.includes(w.text))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
      return echo ? original(chunk as string, ...(rest as [])) : true;
    }) as typeof process.stdout.write;
  process.stdout.write = tap(originals.out);
  process.stderr.write = tap(originals.err);
  return {
    lines: () => [...lines],
    waitFor(text, timeoutMs = 30_000) {
      const seen = lines.find((l) => l.includes(text));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no output line containing "${text}" within ${timeoutMs} ms; last lines:\n${lines.slice(-20).join("\n")}`)), timeoutMs);
        waiters.push({ text, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      });
    },
    restore() {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    },
  };
}
