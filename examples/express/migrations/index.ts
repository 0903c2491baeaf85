/** Every other module in this folder is a migration, applied in file-name order: the only
 * source of the schema. Name new ones after the date (`2026_12_01_0000_add_widgets.ts`). */
import { promises as fs } from "node:fs";
import * as path from "node:path";

import { FileMigrationProvider } from "kysely/migration";

export const migrationProvider = new FileMigrationProvider({
  fs,
  path,
  migrationFolder: import.meta.dirname,
});
