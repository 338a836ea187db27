// Start-up: read the environment once, build the server, listen, and stop gracefully on
// SIGTERM/SIGINT (running jobs get SHUTDOWN_GRACE to finish; the rest are requeued).
import process from "node:process";
import { systemClock } from "./actors/runtime/clock.ts";
import { loadConfig } from "./config.ts";
import { composeServer, type Server } from "./compose.ts";
import { createLogger } from "./logger.ts";
import { createHttpServer } from "./routes/http-server.ts";

const config = loadConfig(process.env);
const logger = createLogger({ category: "CatalogJobs", level: config.logLevel, now: () => systemClock.now() });
// Handled from the first moment: a signal during start-up stops the server as soon as it is built.
let stopping: string | null = null;
let closing = false;
let built: { server: Server; http: ReturnType<typeof createHttpServer> } | null = null;
async function shutdown(signal: string) {
  if (closing) return;
  if (!built) {
    stopping ??= signal; // still starting: stopped right after start-up (below)
    return logger.info(`${signal} received during start-up: stopping once started`);
  }
  closing = true;
  logger.info(`${signal} received: stopping`);
  built.http.close();
  try {
    await built.server.close(config.shutdownGraceMs);
    process.exit(0);
  } catch (err) {
    logger.error("Shutdown failed", err);
    process.exit(1);
  }
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));

const server = await composeServer(config, { clock: systemClock, logger });
const http = createHttpServer(server.app.fetch, logger, "0.0.0.0");
http.listen(config.port, "0.0.0.0", () => {
  const port = (http.address() as { port: number }).port;
  logger.info(`Now listening on: http://localhost:${port} (dashboard: http://localhost:${port}/hangfire)`);
});
built = { server, http };
if (stopping) void shutdown(stopping);
