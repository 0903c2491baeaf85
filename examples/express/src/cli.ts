/** Operator commands: `node src/cli.ts <command>` (the Makefile wraps each one). */
import { writeFileSync } from "node:fs";
import { stdin, stdout } from "node:process";
import { createInterface } from "node:readline/promises";

import { Migrator } from "kysely/migration";

import { migrationProvider } from "../migrations/index.ts";
import { loadSettings, SettingsError } from "./config/settings.ts";
import { createDb, type Db } from "./db/database.ts";
import { buildOpenApiDocument } from "./openapi.ts";
import { MIN_PASSWORD_LENGTH } from "./schemas/users.ts";
import { PasswordHasher } from "./services/passwords.ts";
import { stableJson } from "./utils/json.ts";
import { TokenService } from "./services/tokens.ts";
import { UserService } from "./services/users.ts";

async function migrate(db: Db, direction: "up" | "down"): Promise<void> {
  // A template release's migration may be dated before one of yours that already ran:
  // apply it anyway, as `alembic upgrade heads` does (downgrade reverts the last to run).
  const migrator = new Migrator({
    db,
    provider: migrationProvider,
    allowUnorderedMigrations: true,
  });
  const { error, results = [] } =
    direction === "up" ? await migrator.migrateToLatest() : await migrator.migrateDown();
  for (const result of results) {
    console.log(
      `${result.direction === "Up" ? "applied" : "reverted"} ${result.migrationName}: ${result.status}`,
    );
  }
  if (results.length === 0)
    console.log(direction === "up" ? "nothing to apply" : "nothing to revert");
  if (error !== undefined) throw error instanceof Error ? error : new Error("migration failed");
}

async function ask(question: string, fallback: string | undefined): Promise<string> {
  if (fallback !== undefined && fallback !== "") return fallback;
  const prompt = createInterface({ input: stdin, output: stdout });
  try {
    return (await prompt.question(question)).trim();
  } finally {
    prompt.close();
  }
}

async function createAdmin(db: Db, concurrency: number): Promise<void> {
  const email = await ask("Admin email: ", process.env.ADMIN_EMAIL);
  const password = await ask("Admin password: ", process.env.ADMIN_PASSWORD);
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new Error(`the password needs at least ${String(MIN_PASSWORD_LENGTH)} characters`);
  }
  const user = await new UserService(db, new PasswordHasher(concurrency)).createUser({
    email,
    password,
    role: "admin",
  });
  console.log(`created admin ${user.email} (id ${String(user.id)})`);
}

async function main(command: string | undefined): Promise<void> {
  if (command === "openapi") {
    // The document needs no settings: a render without .env can export it.
    writeFileSync("openapi.json", stableJson(buildOpenApiDocument()));
    console.log("wrote openapi.json");
    return;
  }
  const settings = loadSettings();
  const db = createDb(settings);
  try {
    switch (command) {
      case "migrate":
        await migrate(db, "up");
        break;
      case "downgrade":
        await migrate(db, "down");
        break;
      case "create-admin":
        await createAdmin(db, settings.PASSWORD_HASH_CONCURRENCY);
        break;
      case "purge-expired": {
        const purged = await new TokenService(db, settings).purgeExpired();
        console.log(`deleted ${String(purged)} expired refresh tokens`);
        break;
      }
      default:
        throw new Error(
          `unknown command ${String(command)}; try: migrate, downgrade, openapi, create-admin, purge-expired`,
        );
    }
  } finally {
    await db.destroy();
  }
}

try {
  await main(process.argv[2]);
} catch (error) {
  console.error(error instanceof SettingsError || error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
