/** The process: read settings, listen on HOST:PORT (WORKERS processes), stop on SIGTERM. */
import cluster from "node:cluster";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";

import { buildApp } from "./app.ts";
import { loadSettings, SettingsError } from "./config/settings.ts";
import { createDb } from "./db/database.ts";
import { createCounterStore } from "./middleware/rateLimit.ts";
import { createTracerProvider } from "./tracing.ts";
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
    process.on(signal, () => {
      stopping = true;
      // The signal itself, not worker.kill(): that disconnects a worker, which exits at once.
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill("SIGTERM");
    });
  }
} else {
  const tracerProvider = createTracerProvider(settings);
  const db = createDb(settings, tracerProvider);
  const counters = createCounterStore();
  let shuttingDown = false;
  const app = buildApp({
    settings,
    db,
    logger,
    counters,
    isShuttingDown: () => shuttingDown,
    tracerProvider,
  });
  const server = app.listen(settings.PORT, settings.HOST);
  await once(server, "listening");
  logger.info({ host: settings.HOST, port: settings.PORT }, "listening");

  const shutdown = async (signal: string) => {
    // A worker hears a signal twice when it goes to the whole process group.
    if (shuttingDown) return;
    logger.info({ signal }, "shutting_down");
    shuttingDown = true;
    // Readiness answers 503 while load balancers take the pod out; requests still come in.
    const drainSeconds = Math.min(2, settings.SHUTDOWN_GRACE_SECONDS / 2);
    await sleep(drainSeconds * 1000);
    // Requests in flight get the rest of SHUTDOWN_GRACE_SECONDS; then the pools close.
    const remainingMs = (settings.SHUTDOWN_GRACE_SECONDS - drainSeconds) * 1000;
    const grace = setTimeout(() => {
      server.closeAllConnections();
    }, remainingMs);
    server.closeIdleConnections();
    await new Promise((resolve) => server.close(resolve));
    clearTimeout(grace);
    // The tracer provider sends the spans it still holds.
    await Promise.allSettled([db.destroy(), counters.close(), tracerProvider?.shutdown()]);
    process.exit(0);
  };
  process.on("SIGTERM", (signal) => void shutdown(signal));
  process.on("SIGINT", (signal) => void shutdown(signal));
}
