// The checkpointer's thread: its own connection to the ledger file, running a PASSIVE checkpoint
// (never waits for the writer or readers) each time it is asked, and saying when it is done.
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "../sqlite/sqlite.ts";

const port = parentPort!;
const db = await openDatabase((workerData as { path: string }).path);
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");

port.on("message", (m: "checkpoint" | "close") => {
  if (m === "close") {
    db.close();
    port.close();
    return;
  }
  let error: string | null = null;
  try {
    checkpoint.get();
  } catch (err) {
    error = String((err as Error)?.message ?? err);
  }
  port.postMessage({ t: "done", error });
});
port.postMessage({ t: "ready" });
