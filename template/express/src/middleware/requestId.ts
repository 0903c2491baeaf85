/** X-Request-ID on every response: a valid incoming id is echoed, anything else replaced. */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id (pino-http's `genReqId`): the client's when well-formed, else a new one. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers["x-request-id"];
  const id = typeof incoming === "string" && VALID_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader("X-Request-ID", id);
  return id;
}
