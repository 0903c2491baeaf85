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

// Kysely sends the same few statements again and again: prepare each once.
const STATEMENT_CACHE_SIZE = 256;

/** Open the file with foreign keys on and a busy timeout, as Kysely expects. */
export function openSqlite(path: string): SqliteDatabase {
  const db = new DatabaseSync(path, { timeout: 5000 });
  db.exec("PRAGMA foreign_keys = ON");
  if (path !== ":memory:") db.exec("PRAGMA journal_mode = WAL");
  const statements = new Map<string, SqliteStatement>();
  return {
    close: () => {
      statements.clear();
      db.close();
    },
    prepare: (sql) => {
      let statement = statements.get(sql);
      if (statement === undefined) {
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
        statement = prepare(db, sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
