/** Liveness and readiness probes. */
import { Router } from "express";
import { sql } from "kysely";

import type { Db } from "../db/database.ts";
import { ServiceUnavailableError } from "../errors.ts";
import { sendData } from "../utils/responses.ts";

/** `/health/live` always answers; `/health/ready` checks the database and shutdown. */
export function createHealthRouter({
  db,
  isShuttingDown,
}: {
  db: Db;
  isShuttingDown: () => boolean;
}): Router {
  const router = Router();

  router.get("/live", (_req, res) => {
    sendData(res, { status: "ok" });
  });

  router.get("/ready", async (_req, res) => {
    if (isShuttingDown()) throw new ServiceUnavailableError("Shutting down");
    try {
      await sql`select 1`.execute(db);
    } catch {
      throw new ServiceUnavailableError("Database unavailable");
    }
    sendData(res, { status: "ok", database: "ok" });
  });

  return router;
}
