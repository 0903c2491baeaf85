/** The process: read settings, listen on HOST:PORT (WORKERS processes), stop on SIGTERM. */
import cluster from "node:cluster";
import { once } from "node:events";

import { buildApp } from "./app.ts";
import { loadSettings, SettingsError } from "./config/settings.ts";
import { createDb } from "./db/database.ts";
import { createCounterStore } from "./middleware/rateLimit.ts";
import { createLogger } from "./utils/logging.ts";

let settings;
try {
  settings = loadSettings();
} catch (error) {
  if (!(error instanceof SettingsError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const logger = createLogger(settings);

if (settings.WORKERS > 1 && cluster.isPrimary) {
  // The primary only supervises: each worker is a full server sharing the port.
  for (let i = 0; i < settings.WORKERS; i += 1) cluster.fork();
  let stopping = false;
  cluster.on("exit", (worker, code) => {
    if (!stopping) {
      logger.error({ pid: worker.process.pid, code }, "worker_exited");
      cluster.fork();
    }
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      stopping = true;
      for (const worker of Object.values(cluster.workers ?? {})) worker?.kill("SIGTERM");
    });
  }
} else {
  const db = createDb(settings);
  const counters = createCounterStore();
  let shuttingDown = false;
  const app = buildApp({ settings, db, logger, counters, isShuttingDown: () => shuttingDown });
  const server = app.listen(settings.PORT, settings.HOST);
  await once(server, "listening");
  logger.info({ host: settings.HOST, port: settings.PORT }, "listening");

  const shutdown = async (signal: string) => {
    logger.info({ signal }, "shutting_down");
    shuttingDown = true;
    // Requests in flight get SHUTDOWN_GRACE_SECONDS; then the pools close.
    const grace = setTimeout(() => {
      server.closeAllConnections();
    }, settings.SHUTDOWN_GRACE_SECONDS * 1000);
    server.closeIdleConnections();
    await new Promise((resolve) => server.close(resolve));
    clearTimeout(grace);
    await Promise.allSettled([db.destroy(), counters.close()]);
    process.exit(0);
  };
  process.once("SIGTERM", (signal) => void shutdown(signal));
  process.once("SIGINT", (signal) => void shutdown(signal));
}
