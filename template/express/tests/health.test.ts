import supertest from "supertest";
import { afterAll, describe, expect, it } from "vitest";

import { createTestApp } from "./helpers.ts";

const { app, close } = createTestApp();
afterAll(close);

describe("health", () => {
  it("answers liveness in the success envelope", async () => {
    const response = await supertest(app).get("/health/live").expect(200);
    expect(response.body).toMatchObject({ success: true, data: { status: "ok" } });
    expect(response.headers["x-request-id"]).toMatch(/^[\w.:-]{1,128}$/);
  });

  it("reports the database in readiness", async () => {
    const response = await supertest(app).get("/health/ready").expect(200);
    expect(response.body).toMatchObject({ data: { status: "ok", database: "ok" } });
  });

  it("answers HEAD with the GET's headers and no body", async () => {
    const get = await supertest(app).get("/health/live");
    const head = await supertest(app).head("/health/live").expect(200);
    expect(head.headers["content-length"]).toBe(get.headers["content-length"]);
    expect(head.text).toBeUndefined();
  });

  it("is 503 when the service is shutting down", async () => {
    const { buildApp } = await import("../src/app.ts");
    const stopping = createTestApp();
    const app503 = buildApp({
      settings: stopping.settings,
      db: stopping.db,
      logger: (await import("pino")).pino({ level: "silent" }),
      counters: new (await import("../src/middleware/rateLimit.ts")).MemoryStore(),
      isShuttingDown: () => true,
    });
    const response = await supertest(app503).get("/health/ready").expect(503);
    expect(response.body).toMatchObject({ error: { code: "SERVICE_UNAVAILABLE" } });
    await stopping.close();
  });
});
