/**
 * Tracing with OpenTelemetry: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
 *
 * A middleware opens a server span per request, named after its route template; Kysely's
 * query log adds a client span per SQL statement; the access log line carries the trace id.
 * OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and OTEL_TRACES_SAMPLER(_ARG) apply.
 */
import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type TracerProvider as ApiTracerProvider,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import {
  defaultResource,
  detectResources,
  resourceAttributesEnvDetector,
  resourceFromAttributes,
  serviceNameEnvDetector,
} from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import {
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
} from "@opentelemetry/semantic-conventions";
import type { RequestHandler } from "express";
import type { LogEvent } from "kysely";

import type { Settings } from "./config/settings.ts";
import type { RouteTemplateOf } from "./middleware/metrics.ts";

const DEFAULT_SERVICE_NAME = "my-service";
// Probes and scrapes every few seconds per pod would drown the traces that matter.
const UNTRACED_PREFIXES = ["/health/", "/metrics"];

/** An OTLP (HTTP) exporting provider when an endpoint is set; undefined keeps tracing off. */
export function createTracerProvider(settings: Settings): TracerProvider | undefined {
  const endpoint = settings.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (endpoint === undefined) return undefined;
  // OTEL_SERVICE_NAME, when set, names the service (the environment is merged last).
  const resource = defaultResource()
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: DEFAULT_SERVICE_NAME }))
    .merge(detectResources({ detectors: [resourceAttributesEnvDetector, serviceNameEnvDetector] }));
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/+$/, "")}/v1/traces` });
  return new TracerProvider({
    resource,
    sampler: sampler(settings),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
}

/** The sampler OTEL_TRACES_SAMPLER names (parentbased_always_on by default). */
function sampler(settings: Settings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.OTEL_TRACES_SAMPLER_ARG ?? 1);
  switch (settings.OTEL_TRACES_SAMPLER) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return ratio;
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

let contextManager: AsyncLocalStorageContextManager | undefined;

/** The active span follows each request through its awaits (one manager per process). */
function propagateContext(): void {
  if (contextManager !== undefined) return;
  contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
}

/**
 * A server span per request, "<METHOD> <route template>", active while the request is
 * handled; a `traceparent` header from the caller makes it part of the caller's trace.
 */
export function traceRequests(
  tracerProvider: ApiTracerProvider,
  routeTemplateOf: RouteTemplateOf,
): RequestHandler {
  propagateContext();
  const tracer = tracerProvider.getTracer("app.http");
  const propagator = new W3CTraceContextPropagator();
  return (req, res, next) => {
    if (UNTRACED_PREFIXES.some((prefix) => req.path.startsWith(prefix))) {
      next();
      return;
    }
    // Read before routing: a mounted router rewrites req.path to its own remainder.
    const route = routeTemplateOf(req.path);
    const parent = propagator.extract(ROOT_CONTEXT, req.headers, defaultTextMapGetter);
    const span = tracer.startSpan(
      route === undefined ? req.method : `${req.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: req.method,
          [ATTR_URL_PATH]: req.path,
          ...(route === undefined ? {} : { [ATTR_HTTP_ROUTE]: route }),
        },
      },
      parent,
    );
    // "close" comes after "finish", and alone when the client went away first.
    res.once("close", () => {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.with(trace.setSpan(parent, span), next);
  };
}

/** The access log's `trace_id`: the active span's, when the request is traced. */
export function traceIdField(): { trace_id?: string } {
  const span = trace.getActiveSpan();
  return span === undefined ? {} : { trace_id: span.spanContext().traceId };
}

/**
 * Kysely's query log as a client span per statement inside a trace ("SELECT sqlite").
 *
 * Kysely reports each query once it ran, with its duration, in the caller's context: the
 * span is dated back to the query's start. This works the same for every driver, with no
 * loader hooks (which auto-instrumentation of ES modules would need).
 */
export function traceQueries(tracerProvider: ApiTracerProvider): (event: LogEvent) => void {
  const tracer = tracerProvider.getTracer("app.db");
  return (event) => {
    if (trace.getActiveSpan() === undefined) return; // start-up, commands, untraced probes
    const end = performance.now();
    const operation = /^\s*(\w+)/.exec(event.query.sql)?.[1]?.toUpperCase() ?? "SQL";
    const span = tracer.startSpan(`${operation} sqlite`, {
      kind: SpanKind.CLIENT,
      startTime: end - event.queryDurationMillis,
      attributes: { [ATTR_DB_SYSTEM_NAME]: "sqlite", [ATTR_DB_QUERY_TEXT]: event.query.sql },
    });
    if (event.level === "error") {
      span.recordException(event.error instanceof Error ? event.error : String(event.error));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end(end);
  };
}
