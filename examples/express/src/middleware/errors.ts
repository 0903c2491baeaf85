/** The one place that renders every error, Express's own included, into the envelope. */
import type { ErrorRequestHandler, RequestHandler } from "express";
import { z } from "zod";

import {
  AppError,
  BadRequestError,
  CODE_FOR_STATUS,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from "../errors.ts";
import { errorBody } from "../utils/responses.ts";

/** Which methods the service answers at a path (empty: no route there). */
export type MethodsAt = (path: string) => readonly string[];

/** After every router: 405 with `Allow` where the path exists, else 404. */
export function notFound(methodsAt: MethodsAt): RequestHandler {
  return (req) => {
    const methods = methodsAt(req.path);
    if (methods.length === 0) throw new NotFoundError("Not found");
    throw new MethodNotAllowedError("Method not allowed", {
      headers: { Allow: methods.join(", ") },
    });
  };
}

/** The field a zod issue is about, as the envelope's details name it. */
function fieldName(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") return issue.keys.join(".");
  return issue.path.map(String).join(".") || "body";
}

/** Zod issues as `details`: one message per field. */
export function validationDetails(error: z.ZodError): Record<string, string> {
  const details: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys)
        details[[...issue.path.map(String), key].join(".")] ??= "Extra field not permitted";
    } else {
      details[fieldName(issue)] ??= issue.message;
    }
  }
  return details;
}

function asAppError(error: unknown, debug: boolean): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) {
    return new ValidationError("Request validation failed", { details: validationDetails(error) });
  }
  // body-parser's errors carry a `type` and an HTTP status.
  const { type, status } = (error ?? {}) as { type?: unknown; status?: unknown };
  if (type === "entity.parse.failed" || type === "entity.verify.failed") {
    return new BadRequestError("Request body is not valid JSON");
  }
  if (type === "entity.too.large") return new PayloadTooLargeError("Request body too large");
  if (type === "charset.unsupported" || type === "encoding.unsupported") {
    return new UnsupportedMediaTypeError("Unsupported request body encoding");
  }
  if (typeof status === "number" && status >= 400 && status < 500) {
    const code = CODE_FOR_STATUS[status] ?? "BAD_REQUEST";
    return Object.assign(new BadRequestError("Bad request"), { code, status });
  }
  return new AppError(
    "Internal server error",
    debug ? { details: { exception: String(error) } } : {},
  );
}

/** Render `error` into the error envelope; 5xx are logged with their stack trace. */
export function errorHandler({ debug }: { debug: boolean }): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const appError = asAppError(error, debug);
    if (appError.status >= 500) req.log.error({ err: error }, "unhandled_error");
    res.set(appError.headers);
    res.status(appError.status).json(errorBody(appError.code, appError.message, appError.details));
  };
}
