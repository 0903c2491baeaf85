/** Prometheus metrics: requests by method, route template and status, and their durations. */
import type { RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

export const METRICS_PATH = "/metrics";

/** The route template a path matches (`/api/v1/items/{item_id}`), or undefined. */
export type RouteTemplateOf = (path: string) => string | undefined;

/** A registry with the process metrics, the request metrics and their middleware. */
export function createMetrics(routeTemplateOf: RouteTemplateOf): {
  registry: Registry;
  middleware: RequestHandler;
} {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests by method, route template and status.",
    labelNames: ["method", "route", "status"],
    registers: [registry],
  });
  const durations = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request durations by method and route template.",
    labelNames: ["method", "route"],
    registers: [registry],
  });
  const middleware: RequestHandler = (req, res, next) => {
    if (req.path === METRICS_PATH) {
      next();
      return;
    }
    // Read before routing: a mounted router rewrites req.path to its own remainder.
    const route = routeTemplateOf(req.path) ?? "unmatched";
    const stop = durations.startTimer();
    res.on("finish", () => {
      stop({ method: req.method, route });
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
  return { registry, middleware };
}
