/** Tracing: a span per request and per query, the trace id in the access log line. */
import { SpanKind } from "@opentelemetry/api";
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { pino } from "pino";
import supertest from "supertest";
import { afterAll, afterEach, describe, expect, it } from "vitest";

import { buildApp } from "../src/app.ts";
import { createDb } from "../src/db/database.ts";
import { MemoryStore } from "../src/middleware/rateLimit.ts";
import { createTracerProvider } from "../src/tracing.ts";
import { newClient, testSettings } from "./helpers.ts";

const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter })],
});
const settings = testSettings();
const db = createDb(settings, tracerProvider);
const lines: Record<string, unknown>[] = [];
const logger = pino(
  { level: "info" },
  { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
);

/** The app with its spans in memory and its log lines in `lines`. */
function tracedApp() {
  return buildApp({ settings, db, logger, counters: new MemoryStore(), tracerProvider });
}

afterEach(() => {
  exporter.reset();
  lines.length = 0;
});
afterAll(() => db.destroy());

describe("tracing", () => {
  it("makes a request a span named by its route, with its queries as children", async () => {
    const app = tracedApp();
    const client = await newClient(app);
    const created = await client.post("/api/v1/items", { name: "traced" }).expect(201);
    const id = (created.body as { data: { id: number } }).data.id;
    exporter.reset();
    lines.length = 0;

    await client.get(`/api/v1/items/${String(id)}`).expect(200);

    const spans = exporter.getFinishedSpans();
    const [request, ...others] = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(others).toEqual([]);
    expect(request?.name).toBe("GET /api/v1/items/{item_id}");
    expect(request?.attributes["http.route"]).toBe("/api/v1/items/{item_id}");
    expect(request?.attributes["http.response.status_code"]).toBe(200);
    const traceId = request?.spanContext().traceId;
    const queries = spans.filter((span) => span.kind === SpanKind.CLIENT);
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.map((query) => query.name)).toContain(
      `SELECT ${String(queries[0]?.attributes["db.system.name"])}`,
    );
    for (const query of queries) {
      expect(query.attributes["db.query.text"]).toMatch(/^\w+ /);
      expect(query.spanContext().traceId).toBe(traceId);
      expect(query.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    }
    const [line] = lines.filter((entry) => entry.msg === "request completed");
    expect(line?.trace_id).toBe(traceId);
  });

  it("keeps the request's span through a parsed body", async () => {
    const app = tracedApp();
    const client = await newClient(app);
    exporter.reset();
    await client.post("/api/v1/items", { name: "traced" }).expect(201);
    const spans = exporter.getFinishedSpans();
    const request = spans.find((span) => span.name === "POST /api/v1/items");
    const insert = spans.find((span) => span.name.startsWith("INSERT "));
    expect(insert?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
  });

  it("joins the caller's trace from a traceparent header", async () => {
    const caller = "4bf92f3577b34da6a3ce929d0e0e4736";
    await supertest(tracedApp())
      .get("/api/v1/nowhere")
      .set("traceparent", `00-${caller}-00f067aa0ba902b7-01`)
      .expect(404);
    const [request] = exporter.getFinishedSpans();
    expect(request?.spanContext().traceId).toBe(caller);
    expect(request?.name).toBe("GET");
  });

  it("leaves probes and queries outside a trace alone", async () => {
    await supertest(tracedApp()).get("/health/ready").expect(200);
    await db.selectFrom("items").select("id").limit(1).execute();
    expect(exporter.getFinishedSpans()).toEqual([]);
    const [line] = lines.filter((entry) => entry.msg === "request completed");
    expect(line).toBeDefined();
    expect(line).not.toHaveProperty("trace_id");
  });

  it("is off, with no trace id in the log, without an endpoint", async () => {
    expect(createTracerProvider(settings)).toBeUndefined();
    const untraced = createDb(settings);
    const app = buildApp({ settings, db: untraced, logger, counters: new MemoryStore() });
    const client = await newClient(app);
    await client.get("/api/v1/items").expect(200);
    await untraced.destroy();
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toHaveProperty("trace_id");
  });

  it("exports over OTLP/HTTP when an endpoint is set", async () => {
    const provider = createTracerProvider(
      testSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }),
    );
    expect(provider).toBeInstanceOf(TracerProvider);
    await provider?.shutdown();
  });
});
