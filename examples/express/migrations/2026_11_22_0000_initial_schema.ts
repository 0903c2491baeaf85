/** The first schema: every table, key, constraint and index. */
import { type Kysely, sql } from "kysely";

const TIMESTAMP = "timestamp";

// The schema is untyped here on purpose: a migration must keep working as the models change.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "integer", (col) => col.autoIncrement().primaryKey())
    .addColumn("email", "varchar(320)", (col) => col.notNull())
    .addColumn("password_hash", "varchar(255)", (col) => col.notNull())
    .addColumn("role", "varchar(16)", (col) => col.notNull().check(sql`role in ('admin', 'user')`))
    .addColumn("is_active", "boolean", (col) => col.notNull())
    .addColumn("created_at", TIMESTAMP, (col) => col.notNull())
    .addColumn("updated_at", TIMESTAMP, (col) => col.notNull())
    .addUniqueConstraint("uq_users_email", ["email"])
    .execute();
  await db.schema.createIndex("ix_users_role").on("users").column("role").execute();

  await db.schema
    .createTable("items")
    .addColumn("id", "integer", (col) => col.autoIncrement().primaryKey())
    .addColumn("name", "varchar(200)", (col) => col.notNull())
    .addColumn("description", "varchar(2000)")
    .addColumn("owner_id", "integer", (col) => col.notNull())
    .addColumn("created_at", TIMESTAMP, (col) => col.notNull())
    .addColumn("updated_at", TIMESTAMP, (col) => col.notNull())
    .addForeignKeyConstraint("fk_items_owner_id_users", ["owner_id"], "users", ["id"], (fk) =>
      fk.onDelete("cascade"),
    )
    .execute();
  await db.schema.createIndex("ix_items_owner_id").on("items").column("owner_id").execute();

  await db.schema
    .createTable("refresh_tokens")
    .addColumn("id", "integer", (col) => col.autoIncrement().primaryKey())
    .addColumn("user_id", "integer", (col) => col.notNull())
    .addColumn("token_hash", "varchar(64)", (col) => col.notNull())
    .addColumn("family_id", "varchar(32)", (col) => col.notNull())
    .addColumn("expires_at", TIMESTAMP, (col) => col.notNull())
    .addColumn("revoked_at", TIMESTAMP)
    .addColumn("created_at", TIMESTAMP, (col) => col.notNull())
    .addForeignKeyConstraint(
      "fk_refresh_tokens_user_id_users",
      ["user_id"],
      "users",
      ["id"],
      (fk) => fk.onDelete("cascade"),
    )
    .addUniqueConstraint("uq_refresh_tokens_token_hash", ["token_hash"])
    .execute();
  await db.schema
    .createIndex("ix_refresh_tokens_user_id")
    .on("refresh_tokens")
    .column("user_id")
    .execute();
  await db.schema
    .createIndex("ix_refresh_tokens_family_id")
    .on("refresh_tokens")
    .column("family_id")
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("refresh_tokens").execute();
  await db.schema.dropTable("items").execute();
  await db.schema.dropTable("users").execute();
}
