/** One fresh, migrated database per test run, dropped at the end. */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator } from "kysely/migration";
import type { TestProject } from "vitest/node";

import { migrationProvider } from "../migrations/index.ts";
import { loadSettings } from "../src/config/settings.ts";
import { createDb } from "../src/db/database.ts";

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

const TEST_SECRET = randomBytes(32).toString("hex");

function settingsFor(databaseUrl: string) {
  return loadSettings({ ENVIRONMENT: "test", SECRET_KEY: TEST_SECRET, DATABASE_URL: databaseUrl });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const directory = mkdtempSync(join(tmpdir(), "tests-"));
  const databaseUrl = `sqlite:///${join(directory, "test.db")}`;
  const db = createDb(settingsFor(databaseUrl));
  const { error } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  await db.destroy();
  if (error !== undefined) throw error instanceof Error ? error : new Error("migration failed");
  project.provide("databaseUrl", databaseUrl);
  return async () => {
    rmSync(directory, { recursive: true, force: true });
    await Promise.resolve();
  };
}
