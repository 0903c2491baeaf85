/** CORS from the allow-list in settings; a refused preflight is an error envelope. */
import type { RequestHandler } from "express";

import { ForbiddenError } from "../errors.ts";

const ALLOW_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE";
const ALLOW_HEADERS = "Authorization, Content-Type, X-Request-ID";
const EXPOSE_HEADERS = "Location, Retry-After, X-Request-ID";
const MAX_AGE_SECONDS = "600";

/** Answer preflights and tag responses for the allowed origins. */
export function cors({ origins }: { origins: readonly string[] }): RequestHandler {
  const anyOrigin = origins.includes("*");
  const allowed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    const preflight =
      req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
    if (origin === undefined) {
      next();
      return;
    }
    res.vary("Origin");
    if (!anyOrigin && !allowed.has(origin)) {
      if (preflight) throw new ForbiddenError("Origin not allowed");
      next();
      return;
    }
    res.set("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
    // Browsers refuse credentials with a wildcard origin; never combine them.
    if (!anyOrigin) res.set("Access-Control-Allow-Credentials", "true");
    if (!preflight) {
      res.set("Access-Control-Expose-Headers", EXPOSE_HEADERS);
      next();
      return;
    }
    res.set({
      "Access-Control-Allow-Methods": ALLOW_METHODS,
      "Access-Control-Allow-Headers": ALLOW_HEADERS,
      "Access-Control-Max-Age": MAX_AGE_SECONDS,
    });
    res.status(204).end();
  };
}
