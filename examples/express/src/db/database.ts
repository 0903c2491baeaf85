/** The Kysely instance: the connection pool for DATABASE_URL, sized from settings. */
import type { TracerProvider } from "@opentelemetry/api";
import { Kysely, SqliteDialect } from "kysely";

import type { Settings } from "../config/settings.ts";
import type { Database } from "../models/database.ts";
import { traceQueries } from "../tracing.ts";
import { openSqlite } from "./sqlite.ts";

export type Db = Kysely<Database>;

/** With a tracer provider, each query inside a trace is a span. */
function queryLog(tracerProvider: TracerProvider | undefined) {
  return tracerProvider === undefined ? {} : { log: traceQueries(tracerProvider) };
}

/** DATABASE_URL as the driver wants it: `+driver` suffixes (sqlite+aiosqlite://) dropped. */
export function driverUrl(databaseUrl: string): string {
  return databaseUrl.replace(/^([a-z]+)\+[a-z0-9]+:/i, "$1:");
}

/** The file a sqlite:///relative.db or sqlite:////absolute.db URL names. */
export function sqlitePath(databaseUrl: string): string {
  const path = driverUrl(databaseUrl).replace(/^sqlite:\/\/\//, "");
  return path === "" ? ":memory:" : path;
}

/** SQLite through node:sqlite, built into Node: nothing to compile or download. */
export function createDb(settings: Settings, tracerProvider?: TracerProvider): Db {
  const path = sqlitePath(settings.DATABASE_URL);
  // Opened on first use, so a missing file's folder fails readiness, not the start.
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: () => Promise.resolve(openSqlite(path)) }),
    ...queryLog(tracerProvider),
  });
}
