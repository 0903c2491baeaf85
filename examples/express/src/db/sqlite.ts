/** Kysely's SQLite dialect over node:sqlite, which ships with Node 24. */
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";

import type { SqliteDatabase, SqliteStatement } from "kysely";

// Columns declared with these types come back as the JS types the other databases give.
const TIMESTAMP = "TIMESTAMP";
const BOOLEAN = "BOOLEAN";

function toSqlite(value: unknown): SQLInputValue {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "boolean") return value ? 1 : 0;
  return value as SQLInputValue;
}

function converter(statement: StatementSync): (row: Record<string, unknown>) => unknown {
  const conversions = statement
    .columns()
    .map((column) => [column.name, column.type?.toUpperCase()] as const)
    .filter(([, type]) => type === TIMESTAMP || type === BOOLEAN);
  if (conversions.length === 0) return (row) => row;
  return (row) => {
    for (const [name, type] of conversions) {
      const value = row[name];
      if (value === null || value === undefined) continue;
      row[name] = type === TIMESTAMP ? new Date(value as string) : value === 1;
    }
    return row;
  };
}

function prepare(db: DatabaseSync, sql: string): SqliteStatement {
  const statement = db.prepare(sql);
  const convert = converter(statement);
  const bind = (parameters: readonly unknown[]) => parameters.map(toSqlite);
  return {
    reader: statement.columns().length > 0,
    all: (parameters) =>
      statement.all(...bind(parameters)).map((row) => convert(row as Record<string, unknown>)),
    run: (parameters) => statement.run(...bind(parameters)),
    *iterate(parameters) {
      for (const row of statement.iterate(...bind(parameters))) {
        yield convert(row);
      }
    },
  };
}

/** Open the file with foreign keys on and a busy timeout, as Kysely expects. */
export function openSqlite(path: string): SqliteDatabase {
  const db = new DatabaseSync(path, { timeout: 5000 });
  db.exec("PRAGMA foreign_keys = ON");
  if (path !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
  return {
    close: () => {
      db.close();
    },
    prepare: (sql) => prepare(db, sql),
  };
}
