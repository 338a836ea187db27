// Where the search sync remembers how far it got: a small JSON file in DATA_DIR, replaced
// atomically (write a temp file, rename), so a crash leaves the old watermark or the new one —
// never half of one — and a restart resumes incrementally instead of rebuilding.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import process from "node:process";
import type { ChangeCursor } from "../../adapters/catalog/catalog-store.ts";

export interface SyncState {
  /** Which kind of index the cursor belongs to ("fts5", "elasticsearch"). */
  index: string;
  /** Every change up to here was applied. */
  cursor: ChangeCursor;
  /** When the pass that got there started reading (epoch ms): what bounds a late commit's window. */
  readAt: number;
}

export interface SyncWatermark {
  read(): Promise<SyncState | null>;
  write(state: SyncState): Promise<void>;
  clear(): Promise<void>;
}

export function fileWatermark(path: string): SyncWatermark {
  return {
    async read() {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
      try {
        const s = JSON.parse(text) as SyncState;
        const ok =
          typeof s?.index === "string" &&
          typeof s.cursor?.updatedAt === "string" &&
          Number.isInteger(s.cursor.id) &&
          !Number.isNaN(Date.parse(s.cursor.updatedAt)) &&
          Number.isFinite(s.readAt);
        return ok ? { index: s.index, cursor: { updatedAt: s.cursor.updatedAt, id: s.cursor.id }, readAt: s.readAt } : null;
      } catch {
        return null; // unreadable: treated as no watermark, so the next pass rebuilds
      }
    },
    async write(state) {
      await mkdir(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      await writeFile(tmp, JSON.stringify(state));
      await rename(tmp, path);
    },
    async clear() {
      await rm(path, { force: true });
    },
  };
}

/** An in-memory watermark (tests, one-off tools). */
export function memoryWatermark(initial: SyncState | null = null): SyncWatermark & { state: SyncState | null } {
  const w = {
    state: initial,
    read: async () => (w.state ? { ...w.state, cursor: { ...w.state.cursor } } : null),
    write: async (s: SyncState) => void (w.state = { ...s, cursor: { ...s.cursor } }),
    clear: async () => void (w.state = null),
  };
  return w;
}
