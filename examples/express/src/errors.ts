/** The application's error classes; each carries its envelope code and HTTP status. */

/** The `error.code` values of the response envelope. */
export const ERROR_CODES = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "VALIDATION_ERROR",
  "RATE_LIMITED",
  "INTERNAL_ERROR",
  "SERVICE_UNAVAILABLE",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The code for each status the framework itself may raise (404, 405, ...). */
export const CODE_FOR_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_ALLOWED",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "VALIDATION_ERROR",
  429: "RATE_LIMITED",
  500: "INTERNAL_ERROR",
  503: "SERVICE_UNAVAILABLE",
};

export type ErrorDetails = Record<string, unknown>;

/** Base of every error the services raise; rendered into the error envelope. */
export class AppError extends Error {
  readonly code: ErrorCode = "INTERNAL_ERROR";
  readonly status: number = 500;
  readonly details: ErrorDetails | null;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    message = "Internal server error",
    options: { details?: ErrorDetails; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.details = options.details ?? null;
    this.headers = options.headers ?? {};
  }
}

/** The request is malformed. */
export class BadRequestError extends AppError {
  override readonly code = "BAD_REQUEST";
  override readonly status = 400;
}

/** The client is not authenticated. */
export class UnauthorizedError extends AppError {
  override readonly code = "UNAUTHORIZED";
  override readonly status = 401;
  // A bearer API names its scheme on every 401 (RFC 6750, section 3).
  override readonly headers = { "WWW-Authenticate": "Bearer" };
}

/** The client is known, or needs no credentials, but may not do this. */
export class ForbiddenError extends AppError {
  override readonly code = "FORBIDDEN";
  override readonly status = 403;
}

/** The resource does not exist (or is not the client's to see). */
export class NotFoundError extends AppError {
  override readonly code = "NOT_FOUND";
  override readonly status = 404;
}

/** The path exists, the method does not; `Allow` names the ones it serves. */
export class MethodNotAllowedError extends AppError {
  override readonly code = "METHOD_NOT_ALLOWED";
  override readonly status = 405;
}

/** The request conflicts with existing data (e.g. a duplicate email). */
export class ConflictError extends AppError {
  override readonly code = "CONFLICT";
  override readonly status = 409;
}

/** The request body is over MAX_BODY_BYTES. */
export class PayloadTooLargeError extends AppError {
  override readonly code = "PAYLOAD_TOO_LARGE";
  override readonly status = 413;
}

/** The request body is not JSON. */
export class UnsupportedMediaTypeError extends AppError {
  override readonly code = "UNSUPPORTED_MEDIA_TYPE";
  override readonly status = 415;
}

/** The request is well-formed but breaks a rule; details name each bad field. */
export class ValidationError extends AppError {
  override readonly code = "VALIDATION_ERROR";
  override readonly status = 422;
}

/** The client sent too many requests; `Retry-After` says when to come back. */
export class RateLimitedError extends AppError {
  override readonly code = "RATE_LIMITED";
  override readonly status = 429;
}

/** A dependency (the database) is unreachable. */
export class ServiceUnavailableError extends AppError {
  override readonly code = "SERVICE_UNAVAILABLE";
  override readonly status = 503;
}
