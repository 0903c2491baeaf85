/** Accounts: registration, sign-in checks, and the admin's user management. */
import type { Db } from "../db/database.ts";
import { ConflictError, NotFoundError, UnauthorizedError } from "../errors.ts";
import type { Role, User } from "../models/database.ts";
import type { UserUpdate } from "../schemas/users.ts";
import type { PasswordHasher } from "./passwords.ts";

export const INVALID_CREDENTIALS = "Invalid email or password";
const DUPLICATE_EMAIL = "A user with this email already exists";
const LAST_ADMIN = "The last active admin cannot be demoted, deactivated or deleted";

/** Business logic for users; knows nothing of HTTP. */
export class UserService {
  readonly #db: Db;
  readonly #passwords: PasswordHasher;

  constructor(db: Db, passwords: PasswordHasher) {
    this.#db = db;
    this.#passwords = passwords;
  }

  /** Create an account (role `user` unless given); emails are unique whatever their case. */
  async createUser({
    email,
    password,
    role = "user",
  }: {
    email: string;
    password: string;
    role?: Role;
  }): Promise<User> {
    const normalised = email.toLowerCase();
    if (await this.#findByEmail(normalised)) throw new ConflictError(DUPLICATE_EMAIL);
    const now = new Date();
    const values = {
      email: normalised,
      password_hash: await this.#passwords.hash(password),
      role,
      is_active: true,
      created_at: now,
      updated_at: now,
    };
    try {
      return await this.#db
        .insertInto("users")
        .values(values)
        .returningAll()
        .executeTakeFirstOrThrow();
    } catch (error) {
      // A concurrent registration of the same email won the race.
      if (await this.#findByEmail(normalised)) throw new ConflictError(DUPLICATE_EMAIL);
      throw error;
    }
  }

  /** The active user with these credentials; one message for every failure. */
  async authenticate({ email, password }: { email: string; password: string }): Promise<User> {
    const user = await this.#findByEmail(email.toLowerCase());
    if (user === undefined) {
      await this.#passwords.verifyDecoy(password);
      throw new UnauthorizedError(INVALID_CREDENTIALS);
    }
    if (!(await this.#passwords.verify(user.password_hash, password)) || !user.is_active) {
      throw new UnauthorizedError(INVALID_CREDENTIALS);
    }
    return user;
  }

  /** The signed-in user, if the account still exists and is active. */
  async getActiveUser({ userId }: { userId: number }): Promise<User> {
    const user = await this.#findById(userId);
    if (user?.is_active !== true) throw new UnauthorizedError("Account not found or deactivated");
    return user;
  }

  /** One user, by id. */
  async getUser({ userId }: { userId: number }): Promise<User> {
    const user = await this.#findById(userId);
    if (user === undefined) throw new NotFoundError("User not found");
    return user;
  }

  /** One page of users, oldest first, and their count. */
  async listUsers({
    page,
    pageSize,
  }: {
    page: number;
    pageSize: number;
  }): Promise<{ items: User[]; total: number }> {
    const [items, counted] = await Promise.all([
      this.#db
        .selectFrom("users")
        .selectAll()
        .orderBy("id")
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      this.#db
        .selectFrom("users")
        .select((eb) => eb.fn.countAll<number | string | bigint>().as("total"))
        .executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(counted.total) };
  }

  /** Change a user's role or active flag; the last active admin keeps both. */
  async updateUser({ userId, changes }: { userId: number; changes: UserUpdate }): Promise<User> {
    return this.#db.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom("users")
        .selectAll()
        .where("id", "=", userId)
        .executeTakeFirst();
      if (user === undefined) throw new NotFoundError("User not found");
      const updated: User = {
        ...user,
        role: changes.role ?? user.role,
        is_active: changes.is_active ?? user.is_active,
        updated_at: new Date(),
      };
      if (isActiveAdmin(user) && !isActiveAdmin(updated)) await keepAnotherActiveAdmin(trx, userId);
      await trx
        .updateTable("users")
        .set({ role: updated.role, is_active: updated.is_active, updated_at: updated.updated_at })
        .where("id", "=", userId)
        .execute();
      if (user.is_active && !updated.is_active) await signOutEverywhere(trx, userId);
      return updated;
    });
  }

  /** Delete a user with their items and refresh tokens; never the last active admin. */
  async deleteUser({ userId }: { userId: number }): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom("users")
        .selectAll()
        .where("id", "=", userId)
        .executeTakeFirst();
      if (user === undefined) throw new NotFoundError("User not found");
      if (isActiveAdmin(user)) await keepAnotherActiveAdmin(trx, userId);
      await signOutEverywhere(trx, userId);
      await trx.deleteFrom("items").where("owner_id", "=", userId).execute();
      await trx.deleteFrom("users").where("id", "=", userId).execute();
    });
  }

  async #findByEmail(email: string): Promise<User | undefined> {
    return this.#db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
  }

  async #findById(userId: number): Promise<User | undefined> {
    return this.#db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
  }
}

function isActiveAdmin(user: User): boolean {
  return user.role === "admin" && user.is_active;
}

async function keepAnotherActiveAdmin(db: Db, userId: number): Promise<void> {
  const other = await db
    .selectFrom("users")
    .select("id")
    .where("role", "=", "admin")
    .where("is_active", "=", true)
    .where("id", "!=", userId)
    .executeTakeFirst();
  if (other === undefined) throw new ConflictError(LAST_ADMIN);
}

// Refresh tokens stay revoked, so a later reactivation brings none of them back.
async function signOutEverywhere(db: Db, userId: number): Promise<void> {
  await db
    .updateTable("refresh_tokens")
    .set({ revoked_at: new Date() })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .execute();
}
