/** The tables as Kysely sees them; migrations/ is the only source of the schema. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** Set by the service on insert and update, read back as a Date. */
type Timestamp = ColumnType<Date, Date, Date>;

export type Role = "admin" | "user";

export interface UsersTable {
  id: Generated<number>;
  email: string;
  password_hash: string;
  role: Role;
  is_active: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ItemsTable {
  id: Generated<number>;
  name: string;
  description: string | null;
  owner_id: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RefreshTokensTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  family_id: string;
  expires_at: Timestamp;
  revoked_at: ColumnType<Date | null, Date | null, Date | null>;
  created_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  items: ItemsTable;
  refresh_tokens: RefreshTokensTable;
}

export type Item = Selectable<ItemsTable>;
export type NewItem = Insertable<ItemsTable>;
export type ItemChanges = Updateable<ItemsTable>;
export type User = Selectable<UsersTable>;
