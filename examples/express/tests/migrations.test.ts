import { Migrator } from "kysely/migration";
import { afterAll, describe, expect, it } from "vitest";

import { migrationProvider } from "../migrations/index.ts";
import { createTestApp } from "./helpers.ts";

const { db, close } = createTestApp();
afterAll(close);

describe("migrations", () => {
  it("go down and up again", async () => {
    const migrator = new Migrator({ db, provider: migrationProvider });
    const down = await migrator.migrateDown();
    expect(down.error).toBeUndefined();
    const up = await migrator.migrateToLatest();
    expect(up.error).toBeUndefined();
    expect(up.results?.map((result) => result.status)).toEqual(["Success"]);
  });
});
