import { once } from "node:events";
import type { AddressInfo } from "node:net";

import express from "express";
import supertest from "supertest";
import { afterAll, describe, expect, it } from "vitest";

import { jsonBody } from "../src/middleware/body.ts";
import { errorHandler } from "../src/middleware/errors.ts";
import { createTestApp, newClient } from "./helpers.ts";

const { app, close } = createTestApp({
  CORS_ORIGINS: "https://app.example.com",
  MAX_BODY_BYTES: "1024",
});
afterAll(close);
const client = await newClient(app);

describe("errors", () => {
  it("puts an unknown route into the NOT_FOUND envelope", async () => {
    const response = await supertest(app).get("/api/v1/nothing-here").expect(404);
    expect(response.body).toMatchObject({
      success: false,
      error: { code: "NOT_FOUND", details: null },
    });
  });

  it("answers a wrong method with 405 and every allowed method", async () => {
    const response = await client.delete("/api/v1/items").expect(405);
    expect(response.body).toMatchObject({ error: { code: "METHOD_NOT_ALLOWED" } });
    expect(response.headers.allow).toBe("GET, HEAD, POST");
  });

  it("refuses broken JSON with BAD_REQUEST", async () => {
    const response = await client
      .post("/api/v1/items")
      .set("Content-Type", "application/json")
      .send('{"name": "x"');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: { code: "BAD_REQUEST" } });
  });

  it("refuses invalid UTF-8 inside a JSON string with BAD_REQUEST", async () => {
    // Raw bytes over a real socket: supertest would serialise a Buffer as JSON.
    const parsing = express()
      .post("/", jsonBody({ maxBytes: 1024 }), (_req, res) => {
        res.end();
      })
      .use(errorHandler({ debug: false }));
    const server = parsing.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${String(port)}/`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: Buffer.from('{"name": "\xff\xfe widget"}', "latin1"),
    });
    server.close();
    expect(response.status).toBe(400);
  });

  it("refuses a body that is not JSON with UNSUPPORTED_MEDIA_TYPE", async () => {
    const response = await client
      .post("/api/v1/items")
      .set("Content-Type", "text/plain")
      .send("name=x");
    expect(response.status).toBe(415);
  });

  it("refuses a body over MAX_BODY_BYTES with PAYLOAD_TOO_LARGE", async () => {
    const response = await client.post("/api/v1/items", {
      name: "a",
      description: "x".repeat(2000),
    });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
  });

  it("names every bad field in a validation error", async () => {
    const response = await client.post("/api/v1/items", { name: "", extra: 1 });
    expect(response.status).toBe(422);
    const details = (response.body as { error: { details: Record<string, string> } }).error.details;
    expect(Object.keys(details).sort()).toEqual(["extra", "name"]);
  });

  it("sends the security headers and no framework name", async () => {
    const response = await supertest(app).get("/api/v1/nothing-here");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["x-frame-options"]).toBe("DENY");
    expect(response.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(response.headers["x-powered-by"]).toBeUndefined();
    expect(response.headers["strict-transport-security"]).toBeUndefined();
  });

  it("echoes a valid request id and replaces an invalid one", async () => {
    const echoed = await supertest(app).get("/health/live").set("X-Request-ID", "abc-123");
    expect(echoed.headers["x-request-id"]).toBe("abc-123");
    const replaced = await supertest(app).get("/health/live").set("X-Request-ID", "<script>");
    expect(replaced.headers["x-request-id"]).not.toBe("<script>");
  });

  it("allows listed CORS origins and refuses the others", async () => {
    const allowed = await supertest(app)
      .options("/api/v1/items")
      .set("Origin", "https://app.example.com")
      .set("Access-Control-Request-Method", "POST")
      .expect(204);
    expect(allowed.headers["access-control-allow-origin"]).toBe("https://app.example.com");
    const refused = await supertest(app)
      .options("/api/v1/items")
      .set("Origin", "https://evil.example.net")
      .set("Access-Control-Request-Method", "POST")
      .expect(403);
    expect(refused.headers["access-control-allow-origin"]).toBeUndefined();
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After past the limit", async () => {
    const limited = createTestApp({ RATE_LIMIT_ENABLED: "true", RATE_LIMIT_DEFAULT: "2/minute" });
    const http = supertest(limited.app);
    await http.get("/api/v1/openapi-missing");
    await http.get("/api/v1/openapi-missing");
    const response = await http.get("/api/v1/openapi-missing").expect(429);
    expect(response.body).toMatchObject({ error: { code: "RATE_LIMITED" } });
    expect(Number(response.headers["retry-after"])).toBeGreaterThan(0);
    await limited.close();
  });
});

describe("metrics", () => {
  it("serves route templates when enabled", async () => {
    const measured = createTestApp({ METRICS_ENABLED: "true" });
    await supertest(measured.app).get("/api/v1/items/12345");
    await supertest(measured.app).get("/nowhere");
    const response = await supertest(measured.app).get("/metrics").expect(200);
    expect(response.text).toContain('route="/api/v1/items/{item_id}"');
    expect(response.text).toContain('route="unmatched"');
    expect(response.text).toContain("process_cpu_seconds_total");
    await measured.close();
  });

  it("is a 404 when disabled", async () => {
    await supertest(app).get("/metrics").expect(404);
  });
});
