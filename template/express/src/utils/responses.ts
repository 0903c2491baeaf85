/** The response envelope of STANDARDS section 2. */
import type { Response } from "express";

import type { ErrorCode, ErrorDetails } from "../errors.ts";

/** Now, as the envelope's UTC timestamp. */
export function timestamp(): string {
  return new Date().toISOString();
}

/** Send `data` in the success envelope. */
export function sendData(res: Response, data: unknown, message = "OK", status = 200): void {
  res.status(status).json({ success: true, data, message, timestamp: timestamp() });
}

/** The error envelope's body. */
export function errorBody(code: ErrorCode, message: string, details: ErrorDetails | null = null) {
  return { success: false, error: { code, message, details }, timestamp: timestamp() };
}
