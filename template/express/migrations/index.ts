/** Every migration, in order: the only source of the schema. Add new ones at the end. */
import type { Migration, MigrationProvider } from "kysely/migration";

import * as initialSchema from "./2026_11_22_0000_initial_schema.ts";

const migrations: Record<string, Migration> = {
  "2026_11_22_0000_initial_schema": initialSchema,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
