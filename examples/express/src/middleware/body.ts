/** JSON request bodies: 415 for anything else, 413 over MAX_BODY_BYTES, 400 when broken. */
import { isUtf8 } from "node:buffer";

import express, { type RequestHandler } from "express";

import { UnsupportedMediaTypeError } from "../errors.ts";

/** Parse a JSON body (used per route, so routing answers 404/405 before the type check). */
export function jsonBody({ maxBytes }: { maxBytes: number }): RequestHandler {
  const parse = express.json({
    limit: maxBytes,
    strict: false,
    type: () => true,
    // Invalid UTF-8 is broken JSON, not text with replacement characters.
    verify: (_req, _res, buffer) => {
      if (!isUtf8(buffer)) throw new Error("Request body is not valid UTF-8");
    },
  });
  return (req, res, next) => {
    const hasBody =
      req.headers["transfer-encoding"] !== undefined ||
      Number(req.headers["content-length"] ?? "0") > 0;
    if (!hasBody) {
      req.body = undefined; // no body is a missing body, never an empty object
      next();
      return;
    }
    if (req.is("application/json") === false) {
      throw new UnsupportedMediaTypeError("Request body must be JSON (application/json)");
    }
    // Express's request is the IncomingMessage body-parser reads, extended in place.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    parse(req, res, next);
  };
}
