/** One pino logger: JSON lines in production, readable lines in development. */
import { pino, type Logger } from "pino";

import type { Settings } from "../config/settings.ts";

// pino has no "warning" or "critical": the settings names map onto its levels.
const LEVELS = {
  debug: "debug",
  info: "info",
  warning: "warn",
  error: "error",
  critical: "fatal",
} as const;

/** The process logger for `settings`. */
export function createLogger(settings: Settings): Logger {
  return pino({
    level: LEVELS[settings.LOG_LEVEL],
    base: null,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: ["req.headers.authorization", "req.headers.cookie", 'res.headers["set-cookie"]'],
    ...(settings.jsonLogs
      ? {}
      : { transport: { target: "pino-pretty", options: { colorize: false, singleLine: true } } }),
  });
}
