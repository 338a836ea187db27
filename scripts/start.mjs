// npm start: build (a second or so) and run the bundle, so production runs built JavaScript
// (~8 MB and ~40 ms per worker thread instead of ~28 MB and ~200 ms under tsx).
import { spawnSync, spawn } from "node:child_process";
import process from "node:process";
import { NODE_FLAGS } from "./node-flags.mjs";

const build = spawnSync(process.execPath, ["--import", "tsx", "scripts/build.ts"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
const child = spawn(process.execPath, [...NODE_FLAGS, "dist/main.js"], { stdio: "inherit" });
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
