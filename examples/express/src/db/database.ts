/** The Kysely instance: the connection pool for DATABASE_URL, sized from settings. */
import { Kysely, SqliteDialect } from "kysely";

import type { Settings } from "../config/settings.ts";
import type { Database } from "../models/database.ts";
import { openSqlite } from "./sqlite.ts";

export type Db = Kysely<Database>;

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
export function createDb(settings: Settings): Db {
  const path = sqlitePath(settings.DATABASE_URL);
  // Opened on first use, so a missing file's folder fails readiness, not the start.
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: () => Promise.resolve(openSqlite(path)) }),
  });
}
